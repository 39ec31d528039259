package io.floe.dataplane.recovery;

import io.floe.dataplane.partition.LoadBuffer;
import io.floe.dataplane.partition.Partition;

/**
 * Where replayed WAL entries go: a load's {@link LoadBuffer} (the partition's content only once the
 * load commits), or the memory of a follower being promoted in place, which already holds the
 * partition and takes only what S3 has beyond it (replication.md §7.2). Entries come in offset
 * order, each after {@link #offset()}.
 */
interface ReplayTarget {
  /** The offset of the last entry held. */
  long offset();

  /** The entries that follow belong to {@code term} (a WAL block's term). */
  void termReached(long term);

  /** One entry (a null row deletes); {@code entryOffset} is {@code offset() + 1}. */
  void replay(long entryOffset, long timestamp, byte[] key, byte[] row);

  static ReplayTarget of(LoadBuffer buffer) {
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
      public void replay(long entryOffset, long timestamp, byte[] key, byte[] row) {
        buffer.replay(entryOffset, timestamp, key, row);
      }
    };
  }

  /**
   * A serving replica's own memory: each entry is applied as if its leader had sent it, so the
   * replica's log keeps it too.
   */
  static ReplayTarget of(Partition partition) {
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
      public void replay(long entryOffset, long timestamp, byte[] key, byte[] row) {
        partition.applyReplicated(entryOffset, term, timestamp, row == null, key, row);
      }
    };
  }
}
