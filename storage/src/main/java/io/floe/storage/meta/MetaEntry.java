package io.floe.storage.meta;

import java.nio.charset.StandardCharsets;

/**
 * One key as stored in etcd, with the revisions that guard transactions on it. {@code version} is 0
 * only for a deleted key (as seen in a watch event); {@code leaseId} is 0 when the key has no
 * lease.
 */
public record MetaEntry(
    String key, byte[] value, long createRevision, long modRevision, long version, long leaseId) {

  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "MetaEntry[" + key + "@" + modRevision + ", " + value.length + " bytes]";
  }
}
