package io.floe.storage.meta.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.floe.storage.meta.MetaEntry;
import java.nio.charset.StandardCharsets;

/** Conversions between Floe's keys and values and jetcd's byte sequences. */
final class Bytes {
  private Bytes() {}

  static ByteSequence of(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static ByteSequence of(byte[] b) {
    return ByteSequence.from(b);
  }

  static MetaEntry entry(KeyValue kv) {
    return new MetaEntry(
        kv.getKey().toString(StandardCharsets.UTF_8),
        kv.getValue().getBytes(),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getVersion(),
        kv.getLease());
  }
}
