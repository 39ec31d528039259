package io.floe.loadtests.bench;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.snapshot.SnapshotFileReader;
import io.floe.storage.snapshot.SnapshotFileWriter;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parquet snapshot write and read speed against a local temporary file (the codec, not S3): 1M rows
 * of (int64 key, string, float64, bytes, timestamp, int32), zstd. One operation is one row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SnapshotCodecBench {
  static final int ROWS = 1_000_000;
  static final int WARM_UP_PASSES = 5;
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("price", ColumnType.FLOAT64, true),
              new Column("payload", ColumnType.BYTES, true),
              new Column("updated", ColumnType.TIMESTAMP, true),
              new Column("qty", ColumnType.INT32, true)),
          List.of("id"));

  private Row[] rows;
  private Path dir;
  private Path readFile;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Random rnd = new Random(7);
    rows = new Row[ROWS];
    for (int i = 0; i < ROWS; i++) {
      byte[] payload = new byte[16];
      rnd.nextBytes(payload);
      rows[i] =
          new Row(
              (long) i,
              "customer-" + rnd.nextInt(50_000),
              rnd.nextDouble() * 1000,
              payload,
              1_700_000_000_000_000L + i * 1000L,
              rnd.nextInt(10_000));
    }
    dir = Files.createTempDirectory("floe-bench-");
    readFile = dir.resolve("read.parquet");
    write(readFile);
    System.out.printf("%nsnapshot file: %,d rows, %,d bytes%n", ROWS, Files.size(readFile));
    warmUp();
  }

  /**
   * One operation is a whole 1M-row file (0.3-2 s), so bench.sh's short warm-up windows hold only a
   * few operations and used to measure the codec half-interpreted (the first passes run 3-10x
   * slower than later ones). A few passes here let the JIT settle before JMH's own warm-up.
   */
  private void warmUp() throws IOException {
    Path scratch = dir.resolve("warm-up.parquet");
    for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
      write(scratch);
      try (SnapshotFileReader r =
          new SnapshotFileReader(new LocalInputFile(readFile), "warm-up", SCHEMA)) {
        r.forEach(rec -> {});
      }
    }
    Files.delete(scratch);
  }

  private void write(Path file) throws IOException {
    Files.deleteIfExists(file);
    try (SnapshotFileWriter w =
        new SnapshotFileWriter(
            new LocalOutputFile(file), SCHEMA, SnapshotWriteOptions.defaults())) {
      for (int i = 0; i < ROWS; i++) {
        w.write(rows[i], i + 1, 1_700_000_000_000_000L + i);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void writeSnapshot() throws IOException {
    write(dir.resolve("write.parquet"));
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long readSnapshot(Blackhole bh) {
    try (SnapshotFileReader r =
        new SnapshotFileReader(new LocalInputFile(readFile), "bench", SCHEMA)) {
      return r.forEach(bh::consume);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
