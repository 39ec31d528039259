package io.floe.loadtests.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The harness's report: a Markdown file (faults by kind with failover p50/p99/max, writes
 * acknowledged and lost per durability mode, every anomaly the checker found, the lag to S3, each
 * fault's line) and three PNG plots beside it — throughput, latency and each node's lag to S3 over
 * time, the faults marked.
 */
final class ChaosReport {
  private final ChaosRun.Settings settings;
  private final History history;
  private final CheckResult check;
  private final List<Faults.FaultEvent> events;
  private final WriteGaps gaps;
  private final List<S3Lag.NodeSeries> lag;
  private final boolean passed;

  ChaosReport(
      ChaosRun.Settings settings,
      History history,
      CheckResult check,
      List<Faults.FaultEvent> events,
      WriteGaps gaps,
      List<S3Lag.NodeSeries> lag,
      boolean passed) {
    this.settings = settings;
    this.history = history;
    this.check = check;
    this.events = events;
    this.gaps = gaps;
    this.lag = List.copyOf(lag);
    this.passed = passed;
  }

  /** Writes the report and its plots under {@code dir}; answers the Markdown file. */
  Path write(Path dir) throws IOException {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Files.createDirectories(dir);
    String base = "chaos-" + stamp;
    Path throughputPng = dir.resolve(base + "-throughput.png");
    Path latencyPng = dir.resolve(base + "-latency.png");
    Path lagPng = dir.resolve(base + "-s3-lag.png");
    plots(throughputPng, latencyPng, lagPng);
    Path md = dir.resolve(base + ".md");
    Files.writeString(
        md, markdown(throughputPng.getFileName(), latencyPng.getFileName(), lagPng.getFileName()));
    return md;
  }

  private void plots(Path throughputPng, Path latencyPng, Path lagPng) throws IOException {
    Timeline tl = Timeline.of(history.ops());
    List<TimeSeriesPlot.Marker> markers = new ArrayList<>();
    for (Faults.FaultEvent e : events) {
      markers.add(
          new TimeSeriesPlot.Marker(
              e.startSec(), e.healSec(), e.kind().label() + " " + e.target()));
    }
    TimeSeriesPlot.of("Operations per second", "time", "ops/s")
        .series(new TimeSeriesPlot.Series("ok", tl.seconds(), tl.ok()))
        .series(new TimeSeriesPlot.Series("failed", tl.seconds(), tl.failed()))
        .series(new TimeSeriesPlot.Series("unknown outcome", tl.seconds(), tl.unknown()))
        .markers(markers)
        .write(throughputPng);
    TimeSeriesPlot.of("Latency of acknowledged operations", "time", "ms")
        .logY(true)
        .series(new TimeSeriesPlot.Series("p50", tl.seconds(), tl.p50Ms()))
        .series(new TimeSeriesPlot.Series("p99", tl.seconds(), tl.p99Ms()))
        .series(new TimeSeriesPlot.Series("max", tl.seconds(), tl.maxMs()))
        .markers(markers)
        .write(latencyPng);
    TimeSeriesPlot lagPlot = TimeSeriesPlot.of("Lag to S3 (longest over each 1 s)", "time", "s");
    for (S3Lag.NodeSeries n : lag) {
      if (n.seconds().length > 0) {
        lagPlot.series(new TimeSeriesPlot.Series("node " + n.node(), n.seconds(), n.lagSeconds()));
      }
    }
    lagPlot.markers(markers).write(lagPng);
  }

  private String markdown(Path throughputPng, Path latencyPng, Path lagPng) {
    StringBuilder b = new StringBuilder();
    b.append("# Floe load and fault run\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%s, %d cores, Java %s%s. **%s.** %d data nodes, 2 control planes, a 3-member etcd and"
                + " S3 (S3Proxy behind a fault-injecting front) as separate processes on this"
                + " machine, every data node behind a TCP proxy and reaching etcd through proxies"
                + " of its own. Tables `chaos.replicated`, `chaos.s3`, `chaos.memory`: %d"
                + " partitions, 3 replicas each. Workload: YCSB %s, %d client threads (each on"
                + " one table, as many on each), %,d keys"
                + " (%s), values of %d bytes, %s, client request timeout %s; failure detector"
                + " dead after %s, node lease %s."
                + " Each fault is healed and the cluster is whole again (every replica normal and"
                + " alive, no operation open, for 2.5 s on end) before the next one.%n%n",
            Instant.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            settings.code().isEmpty() ? "" : ", code `" + settings.code() + "`",
            passed ? "Passed" : "FAILED",
            settings.nodes(),
            settings.partitions(),
            settings.mix(),
            Workload.threadsFor(settings.threads(), ChaosRun.TABLES.size()),
            settings.keys(),
            settings.zipfian() ? "zipfian" : "uniform",
            settings.valueBytes(),
            settings.rate() <= 0
                ? "as fast as they go"
                : String.format(Locale.ROOT, "%.0f ops/s", settings.rate()),
            settings.requestTimeout().toMillis() + " ms",
            settings.deadAfter(),
            settings.leaseTtl()));
    if (events.size() < settings.asked()) {
      b.append(
          String.format(
              Locale.ROOT,
              "The run's time budget (`--max-minutes %d`) ended it after %d of the %d faults asked"
                  + " (%d of each kind): each kind's count is below.%n%n",
              settings.maxFaultTime().toMinutes(),
              events.size(),
              settings.asked(),
              settings.perKind()));
    }
    b.append("## Faults\n\n");
    b.append(
        "| fault | count | failover p50 / p99 / max (ms) | longest write gap, max (s) | whole"
            + " again, max (s) | problems |\n");
    b.append("|---|---:|---:|---:|---:|---|\n");
    Map<FaultKind, List<Faults.FaultEvent>> byKind = new EnumMap<>(FaultKind.class);
    for (Faults.FaultEvent e : events) {
      byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
    }
    byKind.forEach(
        (kind, list) -> {
          long[] ms =
              list.stream().mapToLong(Faults.FaultEvent::failoverMs).filter(x -> x >= 0).toArray();
          Arrays.sort(ms);
          double whole =
              list.stream().mapToDouble(e -> e.wholeSec() - e.startSec()).max().orElse(0);
          long problems = list.stream().filter(e -> e.problem() != null).count();
          double gap = list.stream().mapToDouble(e -> gapOf(e).seconds()).max().orElse(0);
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %d | %s | %.1f | %.1f | %d |%n",
                  kind.label(),
                  list.size(),
                  ms.length == 0
                      ? "—"
                      : pct(ms, 0.50) + " / " + pct(ms, 0.99) + " / " + ms[ms.length - 1],
                  gap,
                  whole,
                  problems));
        });
    b.append(
        "\nFailover: from the fault to the first write acknowledged on every partition the victim"
            + " led (for `kill-control-plane`: to the other control plane leading). `—`: the"
            + " fault moves no leader. Longest write gap: the longest time any partition went"
            + " without an acknowledged write, from its last one before the fault to its first"
            + " after the cluster was whole again (a run fails when it is over "
            + settings.maxWriteGap().toSeconds()
            + " s).\n\n");
    b.append("## History check\n\n");
    b.append(check.summary()).append("\n\n");
    b.append("## Over time\n\n");
    b.append("![throughput](").append(throughputPng).append(")\n\n");
    b.append("![latency](").append(latencyPng).append(")\n\n");
    double[] lagPct = S3Lag.percentiles(lag);
    b.append(
        lagPct.length == 0
            ? "Lag to S3: no node answered a scrape.\n\n"
            : String.format(
                Locale.ROOT,
                "Lag to S3 — the longest a write waited between its append and its WAL object"
                    + " being in S3, over each node's last second, sampled every second (a node"
                    + " down has no sample): p50 %.3f s, p99 %.3f s, max %.3f s.%n%n",
                lagPct[0],
                lagPct[1],
                lagPct[2]));
    b.append("![lag to S3](").append(lagPng).append(")\n\n");
    b.append("## Every fault\n\n");
    b.append(
        "| # | fault | target | at (s) | healed (s) | whole (s) | failover (ms) | longest write"
            + " gap (s) | problem |\n");
    b.append("|---:|---|---|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < events.size(); i++) {
      Faults.FaultEvent e = events.get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %.1f | %.1f | %.1f | %s | %.1f (%s) | %s |%n",
              i + 1,
              e.kind().label(),
              e.target(),
              e.startSec(),
              e.healSec(),
              e.wholeSec(),
              e.failoverMs() < 0 ? "—" : Long.toString(e.failoverMs()),
              gapOf(e).seconds(),
              gapOf(e).where(),
              e.problem() == null ? "" : e.problem().replace('|', '/')));
    }
    return b.toString();
  }

  private WriteGaps.Gap gapOf(Faults.FaultEvent e) {
    return gaps.longest(e.startSec(), e.wholeSec());
  }

  /** The {@code p} quantile of {@code sorted} (nearest rank). */
  static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
