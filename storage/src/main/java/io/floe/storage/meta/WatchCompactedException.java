package io.floe.storage.meta;

/**
 * A watch could not continue because the revisions it still needed were compacted away. The caller
 * must re-read the prefix (which gives a fresh revision) and watch again from there.
 */
public class WatchCompactedException extends MetaStoreException {
  private final String prefix;
  private final long requestedRevision;
  private final long compactedRevision;

  public WatchCompactedException(
      String prefix, long requestedRevision, long compactedRevision, Throwable cause) {
    super(
        "watch on '"
            + prefix
            + "' needs revision "
            + requestedRevision
            + " but etcd compacted history up to "
            + compactedRevision
            + ": re-read the prefix and watch again",
        false,
        cause);
    this.prefix = prefix;
    this.requestedRevision = requestedRevision;
    this.compactedRevision = compactedRevision;
  }

  public String prefix() {
    return prefix;
  }

  public long requestedRevision() {
    return requestedRevision;
  }

  public long compactedRevision() {
    return compactedRevision;
  }
}
