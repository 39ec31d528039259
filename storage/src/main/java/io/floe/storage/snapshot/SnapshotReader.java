package io.floe.storage.snapshot;

import io.floe.core.table.Schema;
import io.floe.storage.object.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads a snapshot data file from the object store. Loading a partition reads every row, so the
 * object is fetched with one sequential GET into a local temporary file and decoded from there: one
 * request instead of Parquet's many small seeks turned into ranged GETs, and memory bounded by one
 * row group.
 */
public final class SnapshotReader {
  private final ObjectStore store;
  private final Path tempDir;

  public SnapshotReader(ObjectStore store, Path tempDir) {
    this.store = store;
    this.tempDir = tempDir;
  }

  /** Hands every record of the snapshot file at {@code key} to {@code sink}; returns how many. */
  public long read(String key, Schema schema, Consumer<SnapshotRecord> sink) {
    Path local = download(key);
    try (SnapshotFileReader reader =
        new SnapshotFileReader(new LocalInputFile(local), key, schema)) {
      return reader.forEach(sink);
    } finally {
      delete(local);
    }
  }

  private Path download(String key) {
    try {
      Path local = Files.createTempFile(tempDir, "floe-snapshot-", ".parquet");
      try (InputStream in = store.open(key)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | RuntimeException e) {
        delete(local);
        throw e;
      }
      return local;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot download snapshot " + key, e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }
}
