package io.floe.storage.snapshot;

import io.floe.core.format.CorruptObjectException;
import io.floe.core.table.Schema;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one snapshot Parquet file row group by row group (bounded memory). Refuses a file whose
 * layout version or columns differ from what the caller expects, and turns every decoding failure
 * into a {@link CorruptObjectException} naming the file.
 */
public final class SnapshotFileReader implements AutoCloseable {
  private final String name;
  private final ParquetFileReader reader;
  private final MessageColumnIO columnIo;
  private final RecordMaterializer<SnapshotRecord> materializer;
  private RecordReader<SnapshotRecord> rowGroup;
  private long rowsLeftInGroup;
  private int groupIndex = -1;

  /** Opens {@code file}; {@code name} (the object key) is used in error messages. */
  public SnapshotFileReader(InputFile file, String name, Schema schema) {
    this.name = name;
    MessageType expected = SnapshotSchema.toParquet(schema);
    try {
      reader =
          ParquetFileReader.open(
              file,
              ParquetReadOptions.builder(new PlainParquetConfiguration())
                  .withCodecFactory(new SnapshotCodecFactory(1))
                  // Writers store a CRC32 per page; without checking it a flipped bit in a page
                  // decodes into a wrong value instead of failing.
                  .usePageChecksumVerification(true)
                  .build());
    } catch (IOException | RuntimeException e) {
      throw new CorruptObjectException(
          name, 0, "not a readable Parquet file: " + e.getMessage(), e);
    }
    try {
      check(
          reader.getFileMetaData().getKeyValueMetaData(),
          reader.getFileMetaData().getSchema(),
          expected);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    columnIo = new ColumnIOFactory().getColumnIO(expected);
    materializer = new SnapshotReadSupport(schema).materializer();
  }

  private void check(Map<String, String> meta, MessageType actual, MessageType expected) {
    String version = meta.get(SnapshotSchema.FORMAT_VERSION_KEY);
    if (!SnapshotSchema.FORMAT_VERSION.equals(version)) {
      throw new CorruptObjectException(
          name,
          0,
          "unknown snapshot format version "
              + version
              + " (this reader knows "
              + SnapshotSchema.FORMAT_VERSION
              + ")");
    }
    if (!actual.equals(expected)) {
      throw new CorruptObjectException(
          name, 0, "snapshot columns " + actual + " differ from the expected " + expected);
    }
  }

  /** Total rows in the file, from its footer. */
  public long rowCount() {
    return reader.getRecordCount();
  }

  /** The next record, or null at the end of the file. */
  public SnapshotRecord read() {
    while (rowsLeftInGroup == 0) {
      if (!nextRowGroup()) {
        return null;
      }
    }
    try {
      rowsLeftInGroup--;
      return rowGroup.read();
    } catch (RuntimeException e) {
      throw corrupt(e);
    }
  }

  /** Hands every remaining record to {@code sink}; returns how many. */
  public long forEach(Consumer<SnapshotRecord> sink) {
    long n = 0;
    for (SnapshotRecord r = read(); r != null; r = read()) {
      sink.accept(r);
      n++;
    }
    return n;
  }

  private boolean nextRowGroup() {
    try {
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        return false;
      }
      groupIndex++;
      rowsLeftInGroup = pages.getRowCount();
      rowGroup = columnIo.getRecordReader(pages, materializer);
      return true;
    } catch (IOException | RuntimeException e) {
      groupIndex++;
      throw corrupt(e);
    }
  }

  private CorruptObjectException corrupt(Exception e) {
    long position =
        groupIndex >= 0 && groupIndex < reader.getRowGroups().size()
            ? reader.getRowGroups().get(groupIndex).getStartingPos()
            : 0;
    return new CorruptObjectException(
        name, position, "row group " + groupIndex + " cannot be decoded: " + e.getMessage(), e);
  }

  private void closeQuietly() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // already failing with a better error
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot close snapshot " + name, e);
    }
  }
}
