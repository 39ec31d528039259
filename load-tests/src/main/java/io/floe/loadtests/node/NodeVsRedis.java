package io.floe.loadtests.node;

import io.floe.core.table.Durability;
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
 * phase (5), {@code warmup} seconds (2), {@code keys} (100000), {@code value-bytes} (100), {@code
 * io-threads} of each client (2), {@code redis-benchmark} (true), {@code report-dir}, {@code note}.
 */
public final class NodeVsRedis {
  private NodeVsRedis() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = parse(args);
    String floe = flags.get("floe");
    String redis = flags.get("redis");
    Durability durability = Durability.fromJsonName(flags.getOrDefault("durability", "memory"));
    int connections = Integer.parseInt(flags.getOrDefault("connections", "20"));
    double seconds = Double.parseDouble(flags.getOrDefault("seconds", "5"));
    double warmup = Double.parseDouble(flags.getOrDefault("warmup", "2"));
    int keys = Integer.parseInt(flags.getOrDefault("keys", "100000"));
    int valueBytes = Integer.parseInt(flags.getOrDefault("value-bytes", "100"));
    int ioThreads = Integer.parseInt(flags.getOrDefault("io-threads", "2"));
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
            durability, connections, seconds, keys, valueBytes, ioThreads, flags.get("note"));
    for (int depth : depths) {
      LoadPhase load = new LoadPhase(connections * depth, keys);
      PhaseResult[] floeResult = null;
      PhaseResult[] redisResult = null;
      if (floe != null) {
        try (KvDriver d = new FloeDriver(floe, connections, ioThreads, durability)) {
          floeResult = measure(d, load, keys, value, seconds, warmup);
        }
      }
      if (redis != null) {
        try (KvDriver d = new RedisDriver(redis, connections, ioThreads)) {
          redisResult = measure(d, load, keys, value, seconds, warmup);
        }
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
      report.regime(depth, floeResult, redisResult, tool);
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

  /** Warms up, then measures puts and then gets; returns {put, get}. */
  private static PhaseResult[] measure(
      KvDriver driver, LoadPhase load, int keys, byte[] value, double seconds, double warmup)
      throws InterruptedException {
    driver.preload(keys, value);
    if (warmup > 0) {
      load.run(k -> driver.put(k, value), warmup / 2);
      load.run(driver::get, warmup / 2);
    }
    PhaseResult put = load.run(k -> driver.put(k, value), seconds);
    PhaseResult get = load.run(driver::get, seconds);
    System.out.printf(
        "%s: put %,.0f/s p50 %d us p99 %d us; get %,.0f/s p50 %d us p99 %d us%n",
        driver.name(),
        put.opsPerSecond(),
        put.p50Nanos() / 1000,
        put.p99Nanos() / 1000,
        get.opsPerSecond(),
        get.p50Nanos() / 1000,
        get.p99Nanos() / 1000);
    return new PhaseResult[] {put, get};
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --flag, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        flags.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        flags.put(arg.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("flag " + arg + " needs a value");
      }
    }
    return flags;
  }
}
