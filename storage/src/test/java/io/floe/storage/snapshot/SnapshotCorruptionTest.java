package io.floe.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.CorruptObjectException;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.object.memory.InMemoryObjectStore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, foreign, mismatched and damaged snapshot files are refused with the key. */
class SnapshotCorruptionTest {
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("k", ColumnType.INT64, false), new Column("s", ColumnType.STRING, true)),
          List.of("k"));
  static final String KEY = SnapshotKeys.dataFile(1, 0, 10, 1, 0);

  @TempDir java.nio.file.Path temp;
  InMemoryObjectStore store = new InMemoryObjectStore();
  byte[] valid;

  @BeforeEach
  void writeOne() {
    try (SnapshotWriter w =
        new SnapshotWriter(store, KEY, SCHEMA, SnapshotWriteOptions.defaults(), temp)) {
      for (long i = 0; i < 1000; i++) {
        w.write(new Row(i, "s" + i), i + 1, i);
      }
      w.finish();
    }
    valid = store.get(KEY);
  }

  private long read(String key, Schema schema) {
    return new SnapshotReader(store, temp).read(key, schema, r -> {});
  }

  @Test
  void truncatedFilesAreRefused() {
    for (int len : new int[] {0, 3, 100, valid.length / 2, valid.length - 9, valid.length - 1}) {
      store.put("cut", Arrays.copyOf(valid, len));
      assertThatThrownBy(() -> read("cut", SCHEMA))
          .as("cut to %d bytes", len)
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining("cut");
    }
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void foreignBytesAreRefused() {
    store.put("foreign", "this is not parquet at all, not even close".getBytes());

    assertThatThrownBy(() -> read("foreign", SCHEMA))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.key()).isEqualTo("foreign"));
  }

  @Test
  void schemaMismatchIsRefused() {
    Schema other =
        new Schema(
            1,
            List.of(
                new Column("k", ColumnType.INT32, false), new Column("s", ColumnType.STRING, true)),
            List.of("k"));

    assertThatThrownBy(() -> read(KEY, other))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("differ from the expected");
  }

  @Test
  void damagedDataPagesAreRefused() {
    byte[] bad = valid.clone();
    for (int i = 4; i < 200; i++) {
      bad[i] ^= 0x5a;
    }
    store.put("damaged", bad);

    assertThatThrownBy(() -> read("damaged", SCHEMA))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.key()).isEqualTo("damaged"));
  }
}
