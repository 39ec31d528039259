package io.floe.loadtests.node;

import io.floe.client.ClientConfig;
import io.floe.core.table.Durability;
import io.floe.loadtests.BenchFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Side-by-side benchmark of a Floe data node and Redis on the same machine: the same harness, keys,
 * 100-byte values and concurrency drive both (puts, then gets of preloaded keys), in two regimes:
 * {@code connections} connections with one request in flight each, then with {@code depth} each.
 * Prints a Markdown report and writes it to the report directory.
 *
 * <p>Flags ({@code --name value}): {@code floe} and {@code redis} endpoints (host:port), {@code
 * durability} (memory|s3), {@code connections} (20), {@code depths} (1,16), {@code seconds} per
 * phase (5), {@code ops} (put,get), {@code rounds} per phase, alternating stores, the median
 * reported (3), {@code warmup} seconds (2), {@code keys} (100000), {@code value-bytes} (100),
 * {@code io-threads} of each client (2), {@code floe-max-batch} (the client's coalescing limit),
 * {@code redis-benchmark} (true), {@code report-dir}, {@code note}, and the servers' pids {@code
 * floe-pid} / {@code redis-pid} (to report their CPU per operation), {@code partitions} of the Floe
 * table (one per connection), {@code node-log}: the node's log file, whose {@code wal-stats} lines
 * give the S3 PUTs/s and the lag to durable during the Floe put phases, and {@code redis-wait} (0):
 * replicas each Redis SET waits for with {@code WAIT n 0} (the Redis must have them).
 */
public final class NodeVsRedis {
  private NodeVsRedis() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = BenchFlags.parse(args);
    String floe = flags.get("floe");
    String redis = flags.get("redis");
    Durability durability = Durability.fromJsonName(flags.getOrDefault("durability", "memory"));
    int connections = Integer.parseInt(flags.getOrDefault("connections", "20"));
    double seconds = Double.parseDouble(flags.getOrDefault("seconds", "5"));
    double warmup = Double.parseDouble(flags.getOrDefault("warmup", "2"));
    int keys = Integer.parseInt(flags.getOrDefault("keys", "100000"));
    int valueBytes = Integer.parseInt(flags.getOrDefault("value-bytes", "100"));
    int ioThreads = Integer.parseInt(flags.getOrDefault("io-threads", "2"));
    List<String> ops = List.of(flags.getOrDefault("ops", "put,get").split(","));
    int maxBatch =
        Integer.parseInt(
            flags.getOrDefault("floe-max-batch", Integer.toString(ClientConfig.MAX_BATCH_DEFAULT)));
    int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
    long floePid = Long.parseLong(flags.getOrDefault("floe-pid", "0"));
    long redisPid = Long.parseLong(flags.getOrDefault("redis-pid", "0"));
    int partitions =
        Integer.parseInt(flags.getOrDefault("partitions", Integer.toString(connections)));
    int redisWait = Integer.parseInt(flags.getOrDefault("redis-wait", "0"));
    String nodeLog = flags.get("node-log");
    Map<Integer, List<long[]>> floePutPhases = new java.util.LinkedHashMap<>();
    boolean redisBenchmark = Boolean.parseBoolean(flags.getOrDefault("redis-benchmark", "true"));
    List<Integer> depths = new ArrayList<>();
    for (String d : flags.getOrDefault("depths", "1,16").split(",")) {
      depths.add(Integer.parseInt(d.trim()));
    }
    if (durability == null) {
      throw new IllegalArgumentException("--durability must be memory or s3");
    }
    byte[] value = new byte[valueBytes];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(value);

    Report report =
        new Report(
            durability,
            connections,
            seconds,
            rounds,
            keys,
            valueBytes,
            ioThreads,
            redisWait == 0
                ? flags.get("note")
                : String.join(
                        " ",
                        flags.getOrDefault("note", ""),
                        "Each Redis SET is followed by WAIT " + redisWait + " 0 on its connection.")
                    .trim());
    for (int depth : depths) {
      LoadPhase load = new LoadPhase(connections * depth, keys);
      List<Side> sides = new ArrayList<>();
      try {
        if (floe != null) {
          sides.add(
              new Side(
                  FloeDriver.newTable(
                      floe, connections, partitions, ioThreads, maxBatch, durability),
                  floePid,
                  true));
        }
        if (redis != null) {
          sides.add(
              new Side(new RedisDriver(redis, connections, ioThreads, redisWait), redisPid, false));
        }
        for (Side side : sides) {
          side.driver.preload(keys, value);
          if (warmup > 0) {
            load.run(k -> side.driver.put(k, value), warmup / 2);
            load.run(side.driver::get, warmup / 2);
          }
        }
        // Rounds alternate between the stores so that both see the same background load.
        for (int round = 0; round < rounds && ops.contains("put"); round++) {
          for (Side side : sides) {
            long start = System.currentTimeMillis();
            side.puts.add(load.run(k -> side.driver.put(k, value), seconds, side.pid));
            if (side.floe) {
              floePutPhases
                  .computeIfAbsent(depth, d -> new ArrayList<>())
                  .add(new long[] {start, System.currentTimeMillis()});
            }
          }
        }
        for (int round = 0; round < rounds && ops.contains("get"); round++) {
          for (Side side : sides) {
            side.gets.add(load.run(side.driver::get, seconds, side.pid));
          }
        }
      } finally {
        sides.forEach(side -> side.driver.close());
      }
      Map<String, Double> tool =
          redis != null && redisBenchmark
              ? RedisBenchmarkTool.run(
                  redis,
                  connections,
                  depth,
                  keys,
                  valueBytes,
                  Math.max(100_000, (long) (seconds * (depth == 1 ? 60_000 : 400_000))))
              : new HashMap<>();
      Side floeSide = sides.stream().filter(x -> x.floe).findFirst().orElse(null);
      Side redisSide = sides.stream().filter(x -> !x.floe).findFirst().orElse(null);
      report.regime(
          depth,
          floeSide == null
              ? null
              : new PhaseResult[] {median(floeSide.puts), median(floeSide.gets)},
          redisSide == null
              ? null
              : new PhaseResult[] {median(redisSide.puts), median(redisSide.gets)},
          tool);
    }
    if (nodeLog != null) {
      List<WalStatsLog.Window> windows = WalStatsLog.read(Path.of(nodeLog));
      floePutPhases.forEach(
          (depth, phases) -> report.wal(depth, partitions, WalStatsLog.summarize(windows, phases)));
    }
    String text = report.markdown();
    System.out.println(text);
    Path dir = Path.of(flags.getOrDefault("report-dir", "load-tests/reports"));
    Files.createDirectories(dir);
    Path file =
        dir.resolve(
            "node-vs-redis-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".md");
    write(file, text);
    System.out.println("report: " + file);
  }

  /** One store under test and its results, round by round. */
  private static final class Side {
    final KvDriver driver;
    final long pid;
    final boolean floe;
    final List<PhaseResult> puts = new ArrayList<>();
    final List<PhaseResult> gets = new ArrayList<>();

    Side(KvDriver driver, long pid, boolean floe) {
      this.driver = driver;
      this.pid = pid;
      this.floe = floe;
    }
  }

  /** The round with the median throughput (its latencies and CPU come with it). */
  private static PhaseResult median(List<PhaseResult> rounds) {
    if (rounds.isEmpty()) {
      return null;
    }
    List<PhaseResult> sorted = new ArrayList<>(rounds);
    sorted.sort(java.util.Comparator.comparingDouble(PhaseResult::opsPerSecond));
    for (PhaseResult r : rounds) {
      System.out.printf(
          "  round: %,.0f/s p50 %d us p99 %d us, cpu/op server %.1f us client %.1f us%n",
          r.opsPerSecond(),
          r.p50Nanos() / 1000,
          r.p99Nanos() / 1000,
          r.serverCpuNanos() / 1000,
          r.clientCpuNanos() / 1000);
    }
    return sorted.get(sorted.size() / 2);
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }
}
