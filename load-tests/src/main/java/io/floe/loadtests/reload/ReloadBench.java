package io.floe.loadtests.reload;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.recovery.PartitionLoader;
import io.floe.dataplane.wal.AckOnApplySink;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.loadtests.BenchFlags;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.storage.wal.WalBlockIndex;
import io.floe.storage.wal.WalFooter;
import io.floe.storage.wal.WalObjectDecoder;
import io.floe.testsupport.s3.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast a partition reloads from S3 beside what the machine can do with the same objects in the
 * same run: the WAL of one partition ({@code --writes} puts of {@code --row-bytes}-byte rows over
 * {@code --keys} keys, shipped to an embedded S3 endpoint) is reloaded by {@link PartitionLoader},
 * and, alternately, fetched with parallel whole-object GETs and decoded (CRC verified, every entry
 * copied out) with nothing applied — the limit a reload can approach. Writes a Markdown report to
 * {@code load-tests/reports/reload-<time>.md}.
 */
public final class ReloadBench {
  static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("payload", ColumnType.BYTES, true)),
          List.of("id"));

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchFlags.parse(args);
    int writes = Integer.parseInt(opts.getOrDefault("writes", "1000000"));
    int keys = Integer.parseInt(opts.getOrDefault("keys", "200000"));
    int rowBytes = Integer.parseInt(opts.getOrDefault("row-bytes", "100"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int fetchThreads = Integer.parseInt(opts.getOrDefault("fetch-threads", "8"));
    Path dir = Files.createTempDirectory("floe-reload-bench");
    try (S3Server s3 = S3Server.start(dir.resolve("s3"));
        ObjectStore store = store(s3)) {
      long shippedBytes = ship(store, writes, keys, rowBytes);
      List<String> lines = new ArrayList<>();
      lines.add("# Partition reload vs the machine's limit (" + LocalDateTime.now() + ")");
      lines.add("");
      lines.add(
          String.format(
              "One partition, %,d puts of %d-byte rows over %,d keys, WAL %,d bytes in S3"
                  + " (S3Proxy on this machine, same JVM); %d rounds, alternating.",
              writes, rowBytes, keys, shippedBytes, rounds));
      lines.add("");
      lines.add("| round | what | seconds | entries/s | MB/s |");
      lines.add("| ---: | --- | ---: | ---: | ---: |");
      double bestRaw = 0;
      double bestLoad = 0;
      for (int round = 1; round <= rounds; round++) {
        double raw = rawFetchAndDecode(store, fetchThreads, writes);
        double load = reload(store, dir, round, writes);
        bestRaw = Math.max(bestRaw, writes / raw);
        bestLoad = Math.max(bestLoad, writes / load);
        lines.add(row(round, "GET + decode (limit)", raw, writes, shippedBytes));
        lines.add(row(round, "reload (PartitionLoader)", load, writes, shippedBytes));
      }
      lines.add("");
      lines.add(
          String.format(
              "Best reload %,.0f entries/s = %.0f %% of the best GET + decode (%,.0f entries/s).",
              bestLoad, 100 * bestLoad / bestRaw, bestRaw));
      String report = String.join("\n", lines) + "\n";
      System.out.print(report);
      Path out =
          Path.of(
              "load-tests/reports/reload-"
                  + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                  + ".md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      System.out.println("report: " + out);
    }
  }

  private static String row(int round, String what, double seconds, int writes, long bytes) {
    return String.format(
        "| %d | %s | %.2f | %,.0f | %.0f |",
        round, what, seconds, writes / seconds, bytes / seconds / 1e6);
  }

  /** Ships the partition's puts through a WAL shipper of incarnation 1 and closes it. */
  private static long ship(ObjectStore store, int writes, int keys, int rowBytes) throws Exception {
    WalShipper shipper = new WalShipper(store, "bench", 1, WalShipperSettings.defaults());
    Partition p = new Partition(1, 0, new MemoryBudget(8L << 30), new AckOnApplySink(shipper));
    new PartitionLoader(store, shipper, Files.createTempDirectory("floe-reload"))
        .load(p, SCHEMA, 1);
    RowCodec rows = new RowCodec(SCHEMA);
    KeyCodec keyCodec = new KeyCodec(SCHEMA);
    Random random = new Random(1);
    byte[] payload = new byte[Math.max(0, rowBytes - 20)];
    for (int i = 0; i < writes; i++) {
      random.nextBytes(payload);
      Row row = new Row((long) random.nextInt(keys), payload.clone());
      p.write(List.of(PartitionWrite.put(keyCodec.encode(row), rows.encode(row))), -1);
    }
    shipper.close();
    return shipper.bytesWritten();
  }

  /** Every WAL object of the stream fetched whole in parallel and decoded; returns seconds. */
  private static double rawFetchAndDecode(ObjectStore store, int threads, int expected)
      throws Exception {
    List<String> objects = store.list("wal/bench/1/").map(ObjectInfo::key).sorted().toList();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong entries = new AtomicLong();
    long started = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String key : objects) {
        done.add(pool.submit(() -> decodeAll(store, key, entries)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (entries.get() < expected) {
      throw new IllegalStateException("decoded " + entries + " of " + expected + " entries");
    }
    return seconds;
  }

  private static void decodeAll(ObjectStore store, String key, AtomicLong entries) {
    byte[] object = store.get(key);
    WalFooter footer = WalObjectDecoder.decodeFooter(key, object);
    long n = 0;
    for (WalBlockIndex block : footer.blocks()) {
      long[] count = new long[1];
      WalObjectDecoder.visitBlock(
          key,
          block,
          object,
          (int) block.position(),
          (int) block.length(),
          (offset, term, ts, op, buf, keyOff, keyLen, rowOff, rowLen) -> {
            // copied out as the loader must, to keep the entry
            Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
            Arrays.copyOfRange(buf, rowOff, rowOff + rowLen);
            count[0]++;
          });
      n += count[0];
    }
    entries.addAndGet(n);
  }

  /** A fresh incarnation reloads the partition; returns seconds. */
  private static double reload(ObjectStore store, Path dir, int round, int writes)
      throws IOException {
    WalShipper shipper = new WalShipper(store, "reader-" + round, 1, WalShipperSettings.defaults());
    Partition p = new Partition(1, 0, new MemoryBudget(8L << 30), new AckOnApplySink(shipper));
    long started = System.nanoTime();
    new PartitionLoader(store, shipper, Files.createTempDirectory(dir, "load"))
        .load(p, SCHEMA, round + 1);
    double seconds = (System.nanoTime() - started) / 1e9;
    if (p.offset() != writes) {
      throw new IllegalStateException("reloaded to offset " + p.offset() + ", not " + writes);
    }
    shipper.close();
    return seconds;
  }

  private static ObjectStore store(S3Server s3) {
    s3.createBucket("bench");
    Map<String, String> p = new HashMap<>();
    p.put(ObjectStoreConfig.ENDPOINT, s3.endpoint().toString());
    p.put(ObjectStoreConfig.BUCKET, "bench");
    p.put(ObjectStoreConfig.PATH_STYLE, "true");
    p.put(ObjectStoreConfig.REGION, s3.region());
    p.put(ObjectStoreConfig.ACCESS_KEY, s3.accessKey());
    p.put(ObjectStoreConfig.SECRET_KEY, s3.secretKey());
    return new S3ObjectStore(ObjectStoreConfig.fromProperties(p));
  }
}
