package io.floe.storage.wal;

/**
 * The footer's description of one block: whose entries it holds, their offset and timestamp range,
 * where the block lies in the object ({@code position}, {@code length}, both in bytes) and its
 * CRC32C, so that a reader can fetch and verify one partition's block with one ranged GET.
 */
public record WalBlockIndex(
    long tableId,
    int partitionId,
    long term,
    long firstOffset,
    long lastOffset,
    long minTimestamp,
    long maxTimestamp,
    long position,
    int length,
    int entryCount,
    int checksum) {

  /** Whether this block holds entries of the given table partition. */
  public boolean isOf(long table, int partition) {
    return tableId == table && partitionId == partition;
  }

  /** The exclusive end position of the block in the object. */
  public long end() {
    return position + length;
  }
}
