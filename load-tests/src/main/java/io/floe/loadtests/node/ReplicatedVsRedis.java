package io.floe.loadtests.node;

import io.floe.client.ClientConfig;
import io.floe.core.retry.Backoff;
import io.floe.core.retry.ResilienceSettings;
import io.floe.loadtests.BenchFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replicated puts side by side: a Floe cluster of several data nodes, one table per durability mode
 * with every partition on {@code replicas} nodes, against a Redis primary with replicas, where each
 * SET is followed by {@code WAIT n 0} (Redis's synchronous acknowledgement, the counterpart of
 * Floe's {@code replicated} mode) and, for reference, the same primary without WAIT (asynchronous
 * replication, the counterpart of {@code memory}). Same closed-loop harness, keys, values,
 * connections and pipelining depths as {@link NodeVsRedis}; rounds alternate the stores. Writes a
 * Markdown report {@code replicated-vs-redis-<time>.md}.
 *
 * <p>A Floe table that does not take its preload within {@code ready-timeout}, or whose phase
 * fails, is reported as not measured with the reason, and the others still run.
 *
 * <p>Flags ({@code --name value}): {@code floe} (the nodes' endpoints, comma-separated: the
 * client's seeds), {@code tables} ({@code mode=db.table,...}: the tables, already created, in
 * report order), {@code floe-pids} and {@code redis-pids} (every process of each store,
 * comma-separated, for CPU per operation), {@code floe-metrics} (each node's Prometheus endpoint,
 * host:port, comma-separated: the replication lag of each Floe phase, {@link ReplicationLag}),
 * {@code redis} (the primary's host:port), {@code redis-wait} (1), {@code redis-async} (true: also
 * SET without WAIT), {@code replicas} (3) and {@code partitions} (20) as the tables were created
 * (for the report), {@code connections} (20), {@code depths} (1,16), {@code seconds} per phase (5),
 * {@code rounds} (3), {@code warmup} seconds (2), {@code keys} (100000), {@code value-bytes} (100),
 * {@code io-threads} (2), {@code floe-max-batch}, {@code ready-timeout} seconds (60), {@code
 * report-dir}, {@code note}.
 */
public final class ReplicatedVsRedis {
  private static final ResilienceSettings READY_BACKOFF =
      ResilienceSettings.retryOnly(
          Integer.MAX_VALUE, Duration.ofMillis(200), Duration.ofSeconds(2), 0.5);

  private ReplicatedVsRedis() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = BenchFlags.parse(args);
    Settings s = Settings.of(flags);
    byte[] value = new byte[s.valueBytes];
    ThreadLocalRandom.current().nextBytes(value);

    ReplicatedReport report = new ReplicatedReport(s.describe(), flags.get("note"));
    Map<String, String> notMeasured = new LinkedHashMap<>();
    for (int depth : s.depths) {
      LoadPhase load = new LoadPhase(s.connections * depth, s.keys);
      List<Side> sides = new ArrayList<>();
      try {
        openSides(s, value, sides, notMeasured);
        for (Side side : sides) {
          if (s.warmup > 0) {
            side.attempt(notMeasured, () -> load.run(k -> side.driver.put(k, value), s.warmup));
          }
        }
        // Rounds alternate between the stores so that all see the same background load.
        for (int round = 0; round < s.rounds; round++) {
          for (Side side : sides) {
            Map<Double, Double> lagBefore = side.lag == null ? null : side.lag.scrape();
            PhaseResult r =
                side.attempt(
                    notMeasured,
                    () -> load.run(k -> side.driver.put(k, value), s.seconds, side.pids));
            if (r != null) {
              side.puts.add(r);
              if (lagBefore != null) {
                ReplicationLag.add(
                    side.lagBuckets, ReplicationLag.difference(side.lag.scrape(), lagBefore));
              }
            }
          }
        }
      } finally {
        sides.forEach(side -> side.driver.close());
      }
      for (Side side : sides) {
        if (!side.failed && !side.puts.isEmpty()) {
          report.result(
              depth,
              side.label,
              side.acknowledgedWhen,
              median(side.label, side.puts),
              side.driver instanceof RedisDriver redis && redis.waits(),
              side.lag == null ? null : side.lagBuckets);
        }
      }
    }
    notMeasured.forEach(report::notMeasured);
    String text = report.markdown();
    System.out.println(text);
    Path dir = Path.of(flags.getOrDefault("report-dir", "load-tests/reports"));
    Files.createDirectories(dir);
    Path file =
        dir.resolve(
            "replicated-vs-redis-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".md");
    Files.writeString(file, text);
    System.out.println("report: " + file);
  }

  /** Every store not already known to fail, preloaded (for Floe: ready to take writes). */
  private static void openSides(
      Settings s, byte[] value, List<Side> sides, Map<String, String> notMeasured) {
    for (Map.Entry<String, String> table : s.tables.entrySet()) {
      String label = "Floe " + table.getKey();
      if (notMeasured.containsKey(label)) {
        continue;
      }
      try {
        FloeDriver driver = openFloe(s, table.getValue(), table.getKey(), value);
        Side side = new Side(label, floeAcknowledges(table.getKey(), s), driver, s.floePids);
        if (!s.floeMetrics.isEmpty()) {
          side.lag = new ReplicationLag(s.floeMetrics);
        }
        sides.add(side);
      } catch (RuntimeException e) {
        notMeasured.put(label, "table " + table.getValue() + ": " + reason(e));
      }
    }
    if (s.redis == null) {
      return;
    }
    if (s.redisAsync) {
      sides.add(
          new Side(
              "Redis SET",
              "the primary applied it (replicas follow asynchronously)",
              preloaded(new RedisDriver(s.redis, s.connections, s.ioThreads), s, value),
              s.redisPids));
    }
    if (s.redisWait > 0) {
      sides.add(
          new Side(
              "Redis SET + WAIT " + s.redisWait + " 0",
              "the primary and "
                  + s.redisWait
                  + (s.redisWait == 1 ? " replica" : " replicas")
                  + " hold it",
              preloaded(
                  new RedisDriver(s.redis, s.connections, s.ioThreads, s.redisWait), s, value),
              s.redisPids));
    }
  }

  private static KvDriver preloaded(KvDriver driver, Settings s, byte[] value) {
    driver.preload(s.keys, value);
    return driver;
  }

  /**
   * The table's driver once its preload went through: the nodes converge on a table created in etcd
   * at their own pace, and a partition serves only once loaded. Tries again with back-off until
   * {@code ready-timeout}, then gives up with the last failure.
   */
  private static FloeDriver openFloe(Settings s, String table, String mode, byte[] value) {
    long deadline = System.nanoTime() + s.readyTimeout.toNanos();
    Backoff backoff = new Backoff(READY_BACKOFF);
    while (true) {
      FloeDriver driver = null;
      try {
        driver =
            FloeDriver.existingTable(
                s.floeSeeds, table, mode, s.connections, s.ioThreads, s.maxBatch);
        driver.checkSchema();
        driver.preload(s.keys, value);
        return driver;
      } catch (RuntimeException e) {
        if (driver != null) {
          driver.close();
        }
        Duration wait = backoff.next();
        if (e instanceof IllegalArgumentException
            || System.nanoTime() + wait.toNanos() > deadline) {
          throw e;
        }
        System.out.printf("table %s not ready yet (%s); trying again%n", table, reason(e));
        sleep(wait);
      }
    }
  }

  private static String floeAcknowledges(String mode, Settings s) {
    int majority = s.replicas / 2 + 1;
    return switch (mode) {
      case "memory" -> "the leader applied it";
      case "replicated" -> majority + " of " + s.replicas + " replicas hold it";
      case "s3" ->
          "its WAL object is in S3 and " + majority + " of " + s.replicas + " replicas hold it";
      default -> mode;
    };
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis()); // the back-off between tries of a table not yet ready
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a table", e);
    }
  }

  /** The innermost message of a failure, on one line. */
  static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    return (cause.getClass().getSimpleName() + ": " + message).replaceAll("\\s+", " ").trim();
  }

  /** The round with the median throughput (its latencies and CPU come with it). */
  private static PhaseResult median(String label, List<PhaseResult> rounds) {
    for (PhaseResult r : rounds) {
      System.out.printf(
          "  %s round: %,.0f/s p50 %d us p99 %d us%n",
          label, r.opsPerSecond(), r.p50Nanos() / 1000, r.p99Nanos() / 1000);
    }
    List<PhaseResult> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(PhaseResult::opsPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  /** One store under test and its put rounds. */
  private static final class Side {
    final String label;
    final String acknowledgedWhen;
    final KvDriver driver;
    final List<Long> pids;
    final List<PhaseResult> puts = new ArrayList<>();
    boolean failed;

    /** Floe with metrics endpoints: the lag histogram over its measured rounds. */
    ReplicationLag lag;

    final Map<Double, Double> lagBuckets = new java.util.TreeMap<>();

    Side(String label, String acknowledgedWhen, KvDriver driver, List<Long> pids) {
      this.label = label;
      this.acknowledgedWhen = acknowledgedWhen;
      this.driver = driver;
      this.pids = pids;
    }

    /** Runs one phase; a failure takes this store out of the run, with the reason reported. */
    PhaseResult attempt(Map<String, String> notMeasured, Phase phase) throws InterruptedException {
      if (failed) {
        return null;
      }
      try {
        return phase.run();
      } catch (IllegalStateException e) {
        failed = true;
        notMeasured.put(label, reason(e));
        System.out.println(label + " failed: " + reason(e));
        return null;
      }
    }
  }

  /** One timed phase of a store. */
  private interface Phase {
    PhaseResult run() throws InterruptedException;
  }

  /** The flags, parsed once. */
  private record Settings(
      List<String> floeSeeds,
      Map<String, String> tables,
      List<Long> floePids,
      List<String> floeMetrics,
      String redis,
      List<Long> redisPids,
      int redisWait,
      boolean redisAsync,
      int replicas,
      int partitions,
      int connections,
      List<Integer> depths,
      double seconds,
      int rounds,
      double warmup,
      int keys,
      int valueBytes,
      int ioThreads,
      int maxBatch,
      Duration readyTimeout) {
    static Settings of(Map<String, String> f) {
      int connections = Integer.parseInt(f.getOrDefault("connections", "20"));
      return new Settings(
          list(f.get("floe")),
          pairs(f.getOrDefault("tables", "")),
          list(f.get("floe-pids")).stream().map(Long::parseLong).toList(),
          list(f.get("floe-metrics")),
          f.get("redis"),
          list(f.get("redis-pids")).stream().map(Long::parseLong).toList(),
          Integer.parseInt(f.getOrDefault("redis-wait", "1")),
          Boolean.parseBoolean(f.getOrDefault("redis-async", "true")),
          Integer.parseInt(f.getOrDefault("replicas", "3")),
          Integer.parseInt(f.getOrDefault("partitions", Integer.toString(connections))),
          connections,
          list(f.getOrDefault("depths", "1,16")).stream().map(Integer::parseInt).toList(),
          Double.parseDouble(f.getOrDefault("seconds", "5")),
          Integer.parseInt(f.getOrDefault("rounds", "3")),
          Double.parseDouble(f.getOrDefault("warmup", "2")),
          Integer.parseInt(f.getOrDefault("keys", "100000")),
          Integer.parseInt(f.getOrDefault("value-bytes", "100")),
          Integer.parseInt(f.getOrDefault("io-threads", "2")),
          Integer.parseInt(
              f.getOrDefault("floe-max-batch", Integer.toString(ClientConfig.MAX_BATCH_DEFAULT))),
          Duration.ofMillis(
              (long) (Double.parseDouble(f.getOrDefault("ready-timeout", "60")) * 1000)));
    }

    String describe() {
      return String.format(
          "Floe: %d data nodes, one table per durability mode, each of %d partitions with %d"
              + " replicas (leaders spread over the nodes). Redis: a primary with %d replicas"
              + " (`--save '' --appendonly no`). %d connections per store; %d-byte values; %,d keys"
              + " (preloaded, random access); %.0f s per put phase after a %.0f s warm-up, median"
              + " of %d rounds alternating the stores; %d client I/O threads for each store;"
              + " loopback. CPU = CPU time per put of every server process of the store (all data"
              + " nodes; the primary and its replicas) + the client's.",
          floeSeeds.size(),
          partitions,
          replicas,
          Math.max(0, redisPids.size() - 1),
          connections,
          valueBytes,
          keys,
          seconds,
          warmup,
          rounds,
          ioThreads);
    }

    private static List<String> list(String commaSeparated) {
      if (commaSeparated == null || commaSeparated.isBlank()) {
        return List.of();
      }
      return List.of(commaSeparated.trim().split("\\s*,\\s*"));
    }

    /** {@code mode=table,...} in the given order. */
    private static Map<String, String> pairs(String text) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String pair : list(text)) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw new IllegalArgumentException(
              "--tables takes mode=db.table pairs separated by commas, got '" + pair + "'");
        }
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return out;
    }
  }
}
