package io.floe.dataplane.wal;

/**
 * One applied write as the WAL records it: where it belongs (table id, partition), its place in the
 * partition's history (offset, term, hybrid timestamp) and its content. {@code row} is null for a
 * delete. {@code patch}, when not null, is what a partial update changed ({@code
 * PartialRow#patch}): the WAL object logs it instead of the whole row ({@code wal-object.md} §2.6);
 * replicas and memory always get the whole row.
 */
public record WalEntry(
    long tableId,
    int partition,
    long offset,
    long term,
    long timestamp,
    boolean delete,
    byte[] key,
    byte[] row,
    byte[] patch) {

  public WalEntry(
      long tableId,
      int partition,
      long offset,
      long term,
      long timestamp,
      boolean delete,
      byte[] key,
      byte[] row) {
    this(tableId, partition, offset, term, timestamp, delete, key, row, null);
  }

  /** Bytes this entry takes in a WAL object, about: what backlogs and tails are measured in. */
  public long size() {
    return 41L + key.length + (row == null ? 0 : row.length);
  }
}
