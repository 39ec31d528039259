package io.floe.loadtests.node;

import io.floe.core.table.Durability;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The benchmark's Markdown report: one line per regime and operation, Floe beside Redis. */
final class Report {
  private final StringBuilder rows = new StringBuilder();
  private final StringBuilder wal = new StringBuilder();
  private final String header;

  Report(
      Durability durability,
      int connections,
      double seconds,
      int rounds,
      int keys,
      int valueBytes,
      int ioThreads,
      String note) {
    header =
        "# Floe node vs Redis\n\n"
            + String.format(
                "%s, %d cores, Java %s. Floe durability `%s`; %d connections per store; %d-byte"
                    + " values; %,d keys (preloaded, random access); %.0f s per phase after a"
                    + " warm-up, median of %d rounds alternating the stores; %d client I/O threads"
                    + " for each store; loopback. CPU = server + client CPU time per operation.%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                durability.jsonName(),
                connections,
                valueBytes,
                keys,
                seconds,
                rounds,
                ioThreads)
            + (note == null ? "" : "\n" + note + "\n")
            + "\n| regime | op | Floe ops/s | Floe p50 / p99 (µs) | Floe CPU (µs/op) | Redis ops/s"
            + " | Redis p50 / p99 (µs) | Redis CPU (µs/op) | Floe / Redis | redis-benchmark ops/s |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  }

  void regime(int depth, PhaseResult[] floe, PhaseResult[] redis, Map<String, Double> tool) {
    String regime = depth == 1 ? "unpipelined (1 in flight)" : depth + " in flight / conn";
    line(
        regime,
        "put",
        floe == null ? null : floe[0],
        redis == null ? null : redis[0],
        tool.get("SET"));
    line(
        regime,
        "get",
        floe == null ? null : floe[1],
        redis == null ? null : redis[1],
        tool.get("GET"));
  }

  private void line(String regime, String op, PhaseResult floe, PhaseResult redis, Double tool) {
    rows.append(
        String.format(
            "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
            regime,
            op,
            floe == null ? "-" : String.format("%,.0f", floe.opsPerSecond()),
            latency(floe),
            cpu(floe),
            redis == null ? "-" : String.format("%,.0f", redis.opsPerSecond()),
            latency(redis),
            cpu(redis),
            floe == null || redis == null
                ? "-"
                : String.format("%.2f×", floe.opsPerSecond() / redis.opsPerSecond()),
            tool == null ? "-" : String.format("%,.0f", tool)));
  }

  private static String latency(PhaseResult r) {
    return r == null ? "-" : String.format("%d / %d", r.p50Nanos() / 1000, r.p99Nanos() / 1000);
  }

  private static String cpu(PhaseResult r) {
    if (r == null) {
      return "-";
    }
    return r.serverCpuNanos() < 0
        ? String.format("? + %.1f", r.clientCpuNanos() / 1000)
        : String.format("%.1f + %.1f", r.serverCpuNanos() / 1000, r.clientCpuNanos() / 1000);
  }

  /** What the node's WAL shipper did during the Floe put phases of one regime. */
  void wal(int depth, int partitions, WalStatsLog.Summary s) {
    if (wal.isEmpty()) {
      wal.append(
          "\n## WAL shipping during the Floe put phases (from the node's wal-stats lines)\n\n"
              + "Windows wholly inside a put phase. Lag = from a write's append to the WAL"
              + " shipper (when it is applied; a `memory` write is acknowledged then) to the"
              + " moment the object holding it is in S3; p50 = median window's p50, p99 = worst"
              + " window's p99.\n\n"
              + "| regime | partitions | windows | S3 PUTs/s | objects/s | MB/s shipped |"
              + " writes/s shipped | lag p50 / p99 / max (ms) |\n"
              + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    }
    String regime = depth == 1 ? "unpipelined (1 in flight)" : depth + " in flight / conn";
    if (s == null) {
      wal.append(String.format("| %s | %d | 0 | - | - | - | - | - |%n", regime, partitions));
      return;
    }
    wal.append(
        String.format(
            "| %s | %d | %d | %.2f | %.2f | %.1f | %,.0f | %.1f / %.1f / %.1f |%n",
            regime,
            partitions,
            s.windows(),
            s.putsPerSecond(),
            s.objectsPerSecond(),
            s.bytesPerSecond() / 1e6,
            s.entriesPerSecond(),
            s.lagP50Micros() / 1000.0,
            s.lagP99Micros() / 1000.0,
            s.lagMaxMicros() / 1000.0));
  }

  String markdown() {
    return header + rows + wal;
  }
}
