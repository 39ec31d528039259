package io.floe.storage.snapshot;

import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/**
 * Streams rows into one snapshot Parquet file on any {@link OutputFile}, holding at most about one
 * row group in memory. Not thread safe.
 */
public final class SnapshotFileWriter implements AutoCloseable {
  /**
   * A column whose dictionary outgrows this falls back to plain encoding. Parquet's 1 MiB default
   * keeps high-cardinality strings in a dictionary that shrinks little after zstd while its hash
   * lookups cost ~40 % of the write time; 256 KiB still holds dictionaries of low-cardinality
   * columns (codes, states, names of things), where they pay.
   */
  static final int DICTIONARY_PAGE_BYTES = 256 * 1024;

  private final ParquetWriter<SnapshotRecord> writer;
  private final SnapshotWriteSupport support;
  private long rows;

  public SnapshotFileWriter(OutputFile file, Schema schema, SnapshotWriteOptions options) {
    support = new SnapshotWriteSupport(schema);
    try {
      Builder builder = new Builder(file, support);
      for (String column : SnapshotSchema.uniqueOrOpaqueColumns(schema)) {
        builder.withDictionaryEncoding(column, false);
      }
      writer =
          builder
              .withConf(new PlainParquetConfiguration())
              .withCodecFactory(new SnapshotCodecFactory(options.zstdLevel()))
              .withCompressionCodec(options.compression())
              .withRowGroupSize(options.rowGroupBytes())
              .withPageSize(options.pageBytes())
              .withDictionaryPageSize(DICTIONARY_PAGE_BYTES)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open snapshot file " + file.getPath(), e);
    }
  }

  /** Appends one row with its hidden columns; a row that does not fit the schema is refused. */
  public void write(Row row, long offset, long timestamp) {
    support.check(row);
    try {
      writer.write(new SnapshotRecord(row, offset, timestamp));
      rows++;
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot write failed after " + rows + " rows", e);
    }
  }

  public long rowCount() {
    return rows;
  }

  /** Finishes the file (writes the Parquet footer). */
  @Override
  public void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish snapshot file", e);
    }
  }

  private static final class Builder extends ParquetWriter.Builder<SnapshotRecord, Builder> {
    private final SnapshotWriteSupport support;

    Builder(OutputFile file, SnapshotWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<SnapshotRecord> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<SnapshotRecord> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }
}
