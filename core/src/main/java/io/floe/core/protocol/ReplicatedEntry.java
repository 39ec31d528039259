package io.floe.core.protocol;

import java.util.Objects;

/**
 * One applied write as a leader streams it to its followers ({@code replication.md} §4.1): the
 * follower applies it with the leader's offset, term and timestamp, so both hold the same log.
 * {@code row} is null for a delete (sent as empty bytes); a put always carries its row.
 */
public record ReplicatedEntry(
    long offset, long term, long timestamp, boolean delete, byte[] key, byte[] row) {
  public ReplicatedEntry {
    Objects.requireNonNull(key, "key");
    if (delete) {
      if (row != null && row.length > 0) {
        throw new IllegalArgumentException(
            "delete at offset " + offset + " carries a row of " + row.length + " bytes");
      }
      row = null;
    } else if (row == null) {
      throw new IllegalArgumentException("entry at offset " + offset + " is a put without a row");
    }
  }

  public static ReplicatedEntry put(
      long offset, long term, long timestamp, byte[] key, byte[] row) {
    return new ReplicatedEntry(offset, term, timestamp, false, key, row);
  }

  public static ReplicatedEntry delete(long offset, long term, long timestamp, byte[] key) {
    return new ReplicatedEntry(offset, term, timestamp, true, key, null);
  }
}
