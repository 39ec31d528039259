package io.floe.storage.snapshot;

/**
 * The key layout of partition snapshots (DESIGN.md §6): {@code
 * tables/{tid}/partitions/{pid}/snapshots/{offset:020d}-{term}/part-{n:05d}.parquet}. A snapshot is
 * the set of files under its directory; today a writer produces one part.
 */
public final class SnapshotKeys {
  private SnapshotKeys() {}

  /** The directory of the snapshot at {@code offset} cut in {@code term}, ending in '/'. */
  public static String directory(long tableId, int partitionId, long offset, long term) {
    if (tableId < 0 || partitionId < 0 || offset < 0 || term < 0) {
      throw new IllegalArgumentException(
          "negative snapshot coordinate: table %d partition %d offset %d term %d"
              .formatted(tableId, partitionId, offset, term));
    }
    return "tables/%d/partitions/%d/snapshots/%020d-%d/"
        .formatted(tableId, partitionId, offset, term);
  }

  /** The key of data file {@code part} of a snapshot. */
  public static String dataFile(long tableId, int partitionId, long offset, long term, int part) {
    if (part < 0) {
      throw new IllegalArgumentException("negative part " + part);
    }
    return directory(tableId, partitionId, offset, term) + "part-%05d.parquet".formatted(part);
  }
}
