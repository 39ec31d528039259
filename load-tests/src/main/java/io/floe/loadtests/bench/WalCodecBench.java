package io.floe.loadtests.bench;

import io.floe.storage.wal.WalBlockIndex;
import io.floe.storage.wal.WalFooter;
import io.floe.storage.wal.WalObjectDecoder;
import io.floe.storage.wal.WalObjectEncoder;
import io.floe.storage.wal.WalOperation;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * WAL object encode and decode speed. One operation is one entry; an invocation encodes or decodes
 * a whole object of {@value #ENTRIES} entries over {@value #PARTITIONS} partitions. Bytes per entry
 * = 33 (header) + 16 (key) + rowBytes, so MB/s = entries/s × that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WalCodecBench {
  static final int ENTRIES = 32_768;
  static final int PARTITIONS = 16;
  static final int KEY_BYTES = 16;

  @Param({"100", "1024"})
  public int rowBytes;

  private byte[][] keys;
  private byte[][] rows;
  private final WalObjectEncoder encoder = new WalObjectEncoder(1 << 20);
  private byte[] object;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    keys = new byte[ENTRIES][KEY_BYTES];
    rows = new byte[ENTRIES][rowBytes];
    for (int i = 0; i < ENTRIES; i++) {
      rnd.nextBytes(keys[i]);
      rnd.nextBytes(rows[i]);
    }
    object = encode();
  }

  private byte[] encode() {
    int perPartition = ENTRIES / PARTITIONS;
    int i = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      encoder.beginBlock(1, p, 7);
      for (int e = 0; e < perPartition; e++, i++) {
        encoder.append(
            1000 + e,
            7,
            1_700_000_000_000_000L + e,
            WalOperation.PUT,
            keys[i],
            0,
            KEY_BYTES,
            rows[i],
            0,
            rowBytes);
      }
      encoder.endBlock();
    }
    return encoder.finish();
  }

  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public byte[] encodeObject() {
    return encode();
  }

  /** Verify and walk every block without copying entries (the partition-loading path). */
  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public void decodeObjectVisit(Blackhole bh) {
    WalFooter f = WalObjectDecoder.decodeFooter("bench", object);
    for (WalBlockIndex index : f.blocks()) {
      WalObjectDecoder.visitBlock(
          "bench",
          index,
          object,
          (int) index.position(),
          object.length - (int) index.position(),
          (offset, term, ts, op, buf, ko, kl, ro, rl) -> bh.consume(offset + kl + rl));
    }
  }

  /** Verify and copy out every entry as {@code WalEntry} values. */
  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public Object decodeObjectCopy() {
    return WalObjectDecoder.decodeObject("bench", object);
  }
}
