package io.floe.storage.snapshot;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How snapshot files are written. Row groups bound the writer's memory: Parquet buffers one row
 * group (compressed pages) before flushing it.
 */
public record SnapshotWriteOptions(
    long rowGroupBytes, int pageBytes, CompressionCodecName compression, int zstdLevel) {
  public static final String SNAPSHOT_ROW_GROUP_SIZE = "snapshot.row-group-size";
  public static final long SNAPSHOT_ROW_GROUP_SIZE_DEFAULT = 64L * 1024 * 1024;
  public static final String SNAPSHOT_PAGE_SIZE = "snapshot.page-size";
  public static final int SNAPSHOT_PAGE_SIZE_DEFAULT = 1024 * 1024;
  public static final String SNAPSHOT_COMPRESSION = "snapshot.compression";
  public static final CompressionCodecName SNAPSHOT_COMPRESSION_DEFAULT = CompressionCodecName.ZSTD;
  public static final String SNAPSHOT_ZSTD_LEVEL = "snapshot.zstd-level";
  public static final int SNAPSHOT_ZSTD_LEVEL_DEFAULT = 3;

  public SnapshotWriteOptions {
    if (rowGroupBytes < 1024 || pageBytes < 1024) {
      throw new IllegalArgumentException("row group and page sizes must be at least 1 KiB");
    }
  }

  public static SnapshotWriteOptions defaults() {
    return new SnapshotWriteOptions(
        SNAPSHOT_ROW_GROUP_SIZE_DEFAULT,
        SNAPSHOT_PAGE_SIZE_DEFAULT,
        SNAPSHOT_COMPRESSION_DEFAULT,
        SNAPSHOT_ZSTD_LEVEL_DEFAULT);
  }

  public SnapshotWriteOptions withRowGroupBytes(long bytes) {
    return new SnapshotWriteOptions(bytes, pageBytes, compression, zstdLevel);
  }

  public SnapshotWriteOptions withCompression(CompressionCodecName codec) {
    return new SnapshotWriteOptions(rowGroupBytes, pageBytes, codec, zstdLevel);
  }
}
