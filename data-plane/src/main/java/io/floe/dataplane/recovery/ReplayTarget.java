package io.floe.dataplane.recovery;

import io.floe.core.table.RowPatcher;
import io.floe.dataplane.partition.LoadBuffer;
import io.floe.dataplane.partition.Partition;

/**
 * Where replayed WAL entries go: a load's {@link LoadBuffer} (the partition's content only once the
 * load commits), or the memory of a follower being promoted in place, which already holds the
 * partition and takes only what S3 has beyond it (replication.md §7.2). Entries come in offset
 * order, each after {@link #offset()}. A partial update's patch is applied to the key's row as the
 * target holds it then (the row of the entry before), and the target gets the whole row.
 */
interface ReplayTarget {
  /** The offset of the last entry held. */
  long offset();

  /** The entries that follow belong to {@code term} (a WAL block's term). */
  void termReached(long term);

  /**
   * One entry (a null row deletes; a row patch when {@code patch}); {@code entryOffset} is {@code
   * offset() + 1}.
   *
   * @throws IllegalStateException when a patch finds no row to apply to (a log that is not this
   *     partition's whole history)
   */
  void replay(long entryOffset, long timestamp, byte[] key, byte[] row, boolean patch);

  static ReplayTarget of(LoadBuffer buffer, RowPatcher patcher) {
    return new ReplayTarget() {
      @Override
      public long offset() {
        return buffer.offset();
      }

      @Override
      public void termReached(long term) {
        buffer.termReached(term);
      }

      @Override
      public void replay(long entryOffset, long timestamp, byte[] key, byte[] row, boolean patch) {
        byte[] whole = patch ? patched(patcher, buffer.rowOf(key), row, entryOffset) : row;
        buffer.replay(entryOffset, timestamp, key, whole);
      }
    };
  }

  /**
   * A serving replica's own memory: each entry is applied as if its leader had sent it, so the
   * replica's log keeps it too.
   */
  static ReplayTarget of(Partition partition, RowPatcher patcher) {
    return new ReplayTarget() {
      private long term = partition.lastTerm();

      @Override
      public long offset() {
        return partition.offset();
      }

      @Override
      public void termReached(long blockTerm) {
        term = blockTerm;
      }

      @Override
      public void replay(long entryOffset, long timestamp, byte[] key, byte[] row, boolean patch) {
        byte[] whole = patch ? patched(patcher, partition.newestRow(key), row, entryOffset) : row;
        partition.applyReplicated(entryOffset, term, timestamp, whole == null, key, whole);
      }
    };
  }

  private static byte[] patched(RowPatcher patcher, byte[] current, byte[] patch, long offset) {
    if (current == null) {
      throw new IllegalStateException(
          "the partial update at offset " + offset + " finds no row to update");
    }
    return patcher.apply(current, patch);
  }
}
