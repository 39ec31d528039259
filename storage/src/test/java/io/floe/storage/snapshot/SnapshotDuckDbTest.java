package io.floe.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.object.memory.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots are open Parquet: another engine (DuckDB) reads them and agrees on counts and sums. */
class SnapshotDuckDbTest {
  @TempDir Path temp;

  @Test
  void duckDbReadsWhatFloeWrote() throws Exception {
    Schema schema =
        new Schema(
            1,
            List.of(
                new Column("id", ColumnType.INT64, false),
                new Column("name", ColumnType.STRING, true),
                new Column("price", ColumnType.FLOAT64, true),
                new Column("blob", ColumnType.BYTES, true),
                new Column("at", ColumnType.TIMESTAMP, true),
                new Column("qty", ColumnType.INT32, false),
                new Column("ok", ColumnType.BOOL, true),
                new Column("ratio", ColumnType.FLOAT32, true)),
            List.of("id"));
    InMemoryObjectStore store = new InMemoryObjectStore();
    String key = SnapshotKeys.dataFile(5, 1, 20_000, 3, 0);
    long n = 20_000;
    long idSum = 0;
    long qtySum = 0;
    double priceSum = 0;
    long nameNulls = 0;
    try (SnapshotWriter w =
        new SnapshotWriter(
            store,
            key,
            schema,
            SnapshotWriteOptions.defaults().withRowGroupBytes(64 * 1024),
            temp)) {
      for (long i = 0; i < n; i++) {
        String name = i % 7 == 0 ? null : "näme-" + (i % 100);
        double price = i * 0.25;
        w.write(
            new Row(
                i,
                name,
                price,
                ("b" + i).getBytes(StandardCharsets.UTF_8),
                1_700_000_000_000_000L + i,
                (int) (i % 1000),
                i % 2 == 0,
                0.5f),
            i + 1,
            1_700_000_000_000_000L + i);
        idSum += i;
        qtySum += i % 1000;
        priceSum += price;
        nameNulls += name == null ? 1 : 0;
      }
      w.finish();
    }
    Path local = temp.resolve("copy.parquet");
    Files.write(local, store.get(key));

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), sum(id), sum(qty), sum(price), count(*) - count(name), max(_offset),"
                    + " max(_ts) = make_timestamp("
                    + (1_700_000_000_000_000L + n - 1)
                    + "),"
                    + " sum(octet_length(blob)), count_if(ok), sum(ratio)"
                    + " FROM read_parquet('"
                    + local
                    + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(n);
      assertThat(rs.getLong(2)).isEqualTo(idSum);
      assertThat(rs.getLong(3)).isEqualTo(qtySum);
      assertThat(rs.getDouble(4)).isEqualTo(priceSum);
      assertThat(rs.getLong(5)).isEqualTo(nameNulls);
      assertThat(rs.getLong(6)).isEqualTo(n);
      assertThat(rs.getBoolean(7)).isTrue();
      assertThat(rs.getLong(9)).isEqualTo(n / 2);
      assertThat(rs.getDouble(10)).isEqualTo(n * 0.5);
    }
  }

  /** {@code _ts} holds the write's clock value: DuckDB must read it as the instant of the write. */
  @Test
  void underscoreTsReadsAsTheTimeOfTheWrite() throws Exception {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("id", ColumnType.INT64, false),
                new Column("name", ColumnType.STRING, true)),
            List.of("id"));
    InMemoryObjectStore store = new InMemoryObjectStore();
    String key = SnapshotKeys.dataFile(5, 0, 100, 1, 0);
    io.floe.core.clock.HybridLogicalClock clock = new io.floe.core.clock.HybridLogicalClock();
    long before = java.time.Instant.now().toEpochMilli() * 1_000;
    try (SnapshotWriter w =
        new SnapshotWriter(store, key, schema, SnapshotWriteOptions.defaults(), temp)) {
      for (long i = 0; i < 100; i++) {
        w.write(new Row(i, "n" + i), i + 1, clock.now());
      }
      w.finish();
    }
    long after = (java.time.Instant.now().toEpochMilli() + 1) * 1_000;
    Path local = temp.resolve("ts.parquet");
    Files.write(local, store.get(key));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT epoch_us(min(_ts)), epoch_us(max(_ts)), year(max(_ts)) FROM read_parquet('"
                    + local
                    + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isBetween(before, after);
      assertThat(rs.getLong(2)).isBetween(before, after);
      assertThat(rs.getInt(3)).isEqualTo(java.time.Year.now(java.time.ZoneOffset.UTC).getValue());
    }
  }
}
