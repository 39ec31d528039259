package io.floe.loadtests.bench;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row codec throughput (spec.md §3) on a typical table row of about 100 bytes or 1 KiB: rows/s is
 * the score, MB/s the {@code bytes} counter (encoded bytes per second; divide by 1e6).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class RowCodecBench {
  private static final int ROWS = 1024;

  /** Approximate encoded row size in bytes. */
  @Param({"100", "1024"})
  public int rowBytes;

  private RowCodec codec;
  private Row[] rows;
  private byte[][] encoded;
  private int next;

  /** Encoded bytes processed, reported per second by JMH. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup
  public void setup() {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("user_id", ColumnType.INT64, false),
                new Column("region", ColumnType.STRING, false),
                new Column("active", ColumnType.BOOL, false),
                new Column("age", ColumnType.INT32, true),
                new Column("score", ColumnType.FLOAT64, true),
                new Column("created_at", ColumnType.TIMESTAMP, false),
                new Column("bio", ColumnType.STRING, true),
                new Column("avatar", ColumnType.BYTES, true)),
            List.of("user_id"));
    codec = new RowCodec(schema);
    Random random = new Random(1);
    rows = new Row[ROWS];
    encoded = new byte[ROWS][];
    // Fixed fields take ~40 bytes; the rest is split between a text and a binary column.
    int variable = Math.max(0, rowBytes - 40);
    for (int i = 0; i < ROWS; i++) {
      byte[] avatar = new byte[variable / 3];
      random.nextBytes(avatar);
      rows[i] =
          new Row(
              random.nextLong(),
              "eu-west-" + random.nextInt(4),
              random.nextBoolean(),
              random.nextInt(100),
              random.nextDouble() * 1000,
              1_767_225_600_000_000L + random.nextInt(1_000_000_000),
              text(random, variable - avatar.length),
              avatar);
      encoded[i] = codec.encode(rows[i]);
    }
  }

  private static String text(Random random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  @Benchmark
  public byte[] encode(Bytes counter) {
    byte[] bytes = codec.encode(rows[next++ & (ROWS - 1)]);
    counter.bytes += bytes.length;
    return bytes;
  }

  @Benchmark
  public Row decode(Bytes counter) {
    byte[] bytes = encoded[next++ & (ROWS - 1)];
    counter.bytes += bytes.length;
    return codec.decode(bytes);
  }
}
