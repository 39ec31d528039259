package io.floe.loadtests.node;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Markdown report of {@link ReplicatedVsRedis}: per pipelining regime, one line per store and
 * mode with when it acknowledges a put, its puts/s, latency and CPU, and its throughput relative to
 * Redis with WAIT (the synchronous baseline); then the stores that could not be measured, and why.
 */
final class ReplicatedReport {
  private final String header;
  private final Map<Integer, List<Line>> regimes = new LinkedHashMap<>();
  private final Map<String, String> notMeasured = new LinkedHashMap<>();

  private record Line(
      String store,
      String acknowledgedWhen,
      PhaseResult result,
      boolean baseline,
      Map<Double, Double> lag) {}

  ReplicatedReport(String setup, String note) {
    header =
        "# Floe replicated writes vs Redis with replicas\n\n"
            + String.format(
                "%s, %d cores, Java %s. %s%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                setup)
            + (note == null ? "" : "\n" + note + "\n");
  }

  /**
   * One store's median round in one regime; {@code baseline}: the store the others' throughput is
   * divided by (Redis with WAIT); {@code lag}: Floe's replication lag histogram over all its
   * measured rounds ({@link ReplicationLag}), null when not measured.
   */
  void result(
      int depth,
      String store,
      String acknowledgedWhen,
      PhaseResult result,
      boolean baseline,
      Map<Double, Double> lag) {
    regimes
        .computeIfAbsent(depth, d -> new ArrayList<>())
        .add(new Line(store, acknowledgedWhen, result, baseline, lag));
  }

  void notMeasured(String store, String reason) {
    notMeasured.put(store, reason);
  }

  String markdown() {
    StringBuilder out = new StringBuilder(header);
    out.append(
        "\n| regime | store | a put is acknowledged when | puts/s | p50 / p99 (µs) |"
            + " CPU (µs/put, servers + client) | vs Redis + WAIT | replication lag p50 / p99 (ms)"
            + " |\n"
            + "|---|---|---|---:|---:|---:|---:|---:|\n");
    regimes.forEach((depth, lines) -> lines.forEach(line -> row(out, depth, line, lines)));
    out.append(
        "\nReplication lag (Floe, all measured rounds): per follower answer that acknowledges new"
            + " entries, the time since the leader applied the newest of them — the lagging third"
            + " replica's answers included — from the nodes' `floe_replication_lag_seconds`"
            + " histograms (the upper bound of the bucket the quantile falls in).\n");
    if (!notMeasured.isEmpty()) {
      out.append("\n## Not measured\n\n");
      notMeasured.forEach(
          (store, reason) ->
              out.append("- ").append(store).append(": ").append(reason).append('\n'));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, int depth, Line line, List<Line> regime) {
    PhaseResult r = line.result();
    PhaseResult baseline =
        regime.stream().filter(Line::baseline).map(Line::result).findFirst().orElse(null);
    out.append(
        String.format(
            "| %s | %s | %s | %,.0f | %d / %d | %s | %s | %s |%n",
            depth == 1 ? "unpipelined (1 in flight)" : depth + " in flight / conn",
            line.store(),
            line.acknowledgedWhen(),
            r.opsPerSecond(),
            r.p50Nanos() / 1000,
            r.p99Nanos() / 1000,
            r.serverCpuNanos() < 0
                ? String.format("? + %.1f", r.clientCpuNanos() / 1000)
                : String.format(
                    "%.1f + %.1f", r.serverCpuNanos() / 1000, r.clientCpuNanos() / 1000),
            baseline == null
                ? "-"
                : String.format("%.2f×", r.opsPerSecond() / baseline.opsPerSecond()),
            lag(line.lag())));
  }

  private static String lag(Map<Double, Double> buckets) {
    if (buckets == null) {
      return "-";
    }
    OptionalDouble p50 = ReplicationLag.quantile(buckets, 0.50);
    OptionalDouble p99 = ReplicationLag.quantile(buckets, 0.99);
    if (p50.isEmpty() || p99.isEmpty()) {
      return "no sample";
    }
    return millis(p50.getAsDouble()) + " / " + millis(p99.getAsDouble());
  }

  private static String millis(double seconds) {
    return Double.isInfinite(seconds) ? "> max" : String.format("%.3g", seconds * 1000);
  }
}
