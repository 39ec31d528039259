package io.floe.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.memory.InMemoryObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Property tests: any schema and rows written as a snapshot read back equal. */
class SnapshotRoundTripTest {
  @TempDir Path temp;

  @Test
  void randomSchemasAndRowsRoundTripThroughTheStore() {
    Random rnd = new Random(42);
    InMemoryObjectStore store = new InMemoryObjectStore();
    for (int round = 0; round < 25; round++) {
      Schema schema = SnapshotTestData.randomSchema(rnd);
      SnapshotWriteOptions options =
          SnapshotWriteOptions.defaults()
              .withRowGroupBytes(rnd.nextBoolean() ? 4096 : 1 << 20)
              .withCompression(
                  List.of(
                          CompressionCodecName.ZSTD,
                          CompressionCodecName.SNAPPY,
                          CompressionCodecName.UNCOMPRESSED)
                      .get(rnd.nextInt(3)));
      List<SnapshotRecord> written = new ArrayList<>();
      String key = SnapshotKeys.dataFile(1, round, 100 + round, 2, 0);
      SnapshotWriter.SnapshotFile file;
      try (SnapshotWriter writer = new SnapshotWriter(store, key, schema, options, temp)) {
        int rows = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(3000);
        for (int i = 0; i < rows; i++) {
          SnapshotRecord r =
              new SnapshotRecord(SnapshotTestData.randomRow(rnd, schema, i), 1 + i, rnd.nextLong());
          writer.write(r.row(), r.offset(), r.timestamp());
          written.add(r);
        }
        file = writer.finish();
      }
      List<SnapshotRecord> read = new ArrayList<>();

      long n = new SnapshotReader(store, temp).read(key, schema, read::add);

      assertThat(file.rowCount()).isEqualTo(written.size());
      assertThat(n).isEqualTo(written.size());
      assertThat(read).as("round %d, schema %s", round, schema).isEqualTo(written);
    }
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void manyRowGroupsStreamWithBoundedBuffers() throws Exception {
    Schema schema =
        new Schema(
            1,
            List.of(
                new Column("k", ColumnType.INT64, false), new Column("v", ColumnType.STRING, true)),
            List.of("k"));
    Path path = temp.resolve("many.parquet");
    try (SnapshotFileWriter w =
        new SnapshotFileWriter(
            new org.apache.parquet.io.LocalOutputFile(path),
            schema,
            SnapshotWriteOptions.defaults().withRowGroupBytes(8192))) {
      for (long i = 0; i < 50_000; i++) {
        w.write(new Row(i, "value-" + i), i + 1, i * 10);
      }
    }
    try (SnapshotFileReader r =
        new SnapshotFileReader(new org.apache.parquet.io.LocalInputFile(path), "many", schema)) {
      assertThat(r.rowCount()).isEqualTo(50_000);
      long[] sum = {0};
      assertThat(r.forEach(rec -> sum[0] += (Long) rec.row().get(0))).isEqualTo(50_000);
      assertThat(sum[0]).isEqualTo(49_999L * 50_000 / 2);
    }
    assertThat(Files.size(path)).isPositive();
  }

  @Test
  void existingKeyIsNotOverwritten() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    Schema schema = new Schema(1, List.of(new Column("k", ColumnType.INT64, false)), List.of("k"));
    String key = SnapshotKeys.dataFile(3, 0, 5, 1, 0);
    store.put(key, new byte[] {1});

    try (SnapshotWriter writer =
        new SnapshotWriter(store, key, schema, SnapshotWriteOptions.defaults(), temp)) {
      writer.write(new Row(1L), 1, 1);
      assertThatThrownBy(writer::finish).isInstanceOf(ObjectAlreadyExistsException.class);
    }
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void badRowsAreRefusedWithTheColumnName() {
    Schema schema = new Schema(1, List.of(new Column("k", ColumnType.INT64, false)), List.of("k"));
    try (SnapshotWriter writer =
        new SnapshotWriter(
            new InMemoryObjectStore(), "x", schema, SnapshotWriteOptions.defaults(), temp)) {
      assertThatThrownBy(() -> writer.write(new Row((Object) null), 1, 1))
          .hasMessageContaining("column k");
      assertThatThrownBy(() -> writer.write(new Row(1L, 2L), 1, 1))
          .hasMessageContaining("2 values");
    }
    assertThatThrownBy(
            () ->
                SnapshotSchema.toParquet(
                    new Schema(1, List.of(new Column("_ts", ColumnType.INT64, false)), List.of())))
        .hasMessageContaining("reserved");
  }

  @Test
  void keysFollowTheLayout() {
    assertThat(SnapshotKeys.dataFile(12, 3, 4567, 8, 0))
        .isEqualTo("tables/12/partitions/3/snapshots/00000000000000004567-8/part-00000.parquet");
    assertThatThrownBy(() -> SnapshotKeys.directory(1, -1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
