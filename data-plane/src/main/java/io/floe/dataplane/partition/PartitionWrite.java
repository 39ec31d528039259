package io.floe.dataplane.partition;

/**
 * A validated write for one partition: a row to put under its key, or a key to delete; a partial
 * update also carries the patch its WAL entry logs instead of the row ({@link
 * io.floe.dataplane.wal.WalEntry#patch}).
 */
public record PartitionWrite(byte[] key, byte[] row, byte[] patch) {
  public static PartitionWrite put(byte[] key, byte[] row) {
    return new PartitionWrite(key, row, null);
  }

  /** {@code row} is the updated row whole; {@code patch} (may be null) what the update changed. */
  public static PartitionWrite update(byte[] key, byte[] row, byte[] patch) {
    return new PartitionWrite(key, row, patch);
  }

  public static PartitionWrite delete(byte[] key) {
    return new PartitionWrite(key, null, null);
  }

  public boolean delete() {
    return row == null;
  }

  /** The most this write can add to memory (a new key and a new version). */
  public long maxBytes() {
    return Partition.KEY_OVERHEAD + key.length + Version.OVERHEAD + (row == null ? 0 : row.length);
  }

  public static long maxBytes(java.util.List<PartitionWrite> writes) {
    long bytes = 0;
    for (PartitionWrite w : writes) {
      bytes += w.maxBytes();
    }
    return bytes;
  }
}
