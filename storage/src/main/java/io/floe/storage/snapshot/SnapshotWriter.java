package io.floe.storage.snapshot;

import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes one snapshot data file to the object store. Rows are encoded into a local temporary file
 * (Parquet writes its footer last and needs positions, and memory stays bounded by one row group),
 * which is then uploaded with one conditional streaming put: a retried upload re-sends the file
 * without re-encoding, and an upload that fails leaves no object behind.
 */
public final class SnapshotWriter implements AutoCloseable {
  private final ObjectStore store;
  private final String key;
  private final Path spill;
  private final SnapshotFileWriter file;
  private boolean finished;

  public SnapshotWriter(
      ObjectStore store, String key, Schema schema, SnapshotWriteOptions options, Path tempDir) {
    this.store = store;
    this.key = key;
    try {
      this.spill = Files.createTempFile(tempDir, "floe-snapshot-", ".parquet");
      Files.delete(spill); // Parquet's CREATE mode wants to create the file itself
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a spill file in " + tempDir, e);
    }
    this.file = new SnapshotFileWriter(new LocalOutputFile(spill), schema, options);
  }

  public void write(Row row, long offset, long timestamp) {
    file.write(row, offset, timestamp);
  }

  /**
   * Finishes the file and uploads it; the key must not exist yet.
   *
   * @throws io.floe.storage.object.ObjectAlreadyExistsException if another writer got there first
   */
  public SnapshotFile finish() {
    file.close();
    finished = true;
    try (InputStream in = Files.newInputStream(spill)) {
      ObjectInfo info = store.putStream(key, in, true);
      return new SnapshotFile(key, file.rowCount(), info.size(), info.etag());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read spill file " + spill, e);
    } finally {
      deleteSpill();
    }
  }

  /** Abandons an unfinished snapshot, or cleans up after {@link #finish}. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      try {
        file.close();
      } catch (RuntimeException ignored) {
        // the file is thrown away anyway
      }
    }
    deleteSpill();
  }

  private void deleteSpill() {
    try {
      Files.deleteIfExists(spill);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spill file " + spill, e);
    }
  }

  /** A written snapshot data file: its key, row count, size and ETag (for manifests). */
  public record SnapshotFile(String key, long rowCount, long size, String etag) {}
}
