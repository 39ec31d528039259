package io.floe.loadtests.ycsb;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The YCSB benchmark's Markdown report: per workload, thread count and phase (cold / warm), Floe's
 * throughput beside Redis's, their ratio, the CPU per operation of client, server and (Floe's WAL
 * shipping) the S3 endpoint, the failed operations, then the latency of every operation type.
 */
final class YcsbReport {
  private static final Map<String, String> WORKLOADS =
      Map.of(
          "a", "50% read, 50% update",
          "b", "95% read, 5% update",
          "c", "100% read",
          "d", "95% read latest, 5% insert",
          "e", "95% scan (up to 100 records), 5% insert",
          "f", "50% read, 50% read-modify-write");

  /** What the run was; {@code seconds} or {@code operations} is null. */
  record Settings(
      int records,
      int fields,
      int fieldBytes,
      Double seconds,
      Long operations,
      int rounds,
      int loadThreads,
      String durability,
      int partitions,
      List<String> floeProps,
      boolean verify,
      String javaOpts,
      List<String> stores) {}

  private final Settings settings;
  private final String note;
  private final StringBuilder loads = new StringBuilder();
  private final StringBuilder throughput = new StringBuilder();
  private final StringBuilder latency = new StringBuilder();

  private final List<ServersIdle.Wait> waits = new ArrayList<>();

  YcsbReport(Settings settings, String note) {
    this.settings = settings;
    this.note = note;
  }

  void load(String store, YcsbResult r) {
    loads.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d | %d | %,.0f | %d |%n",
            store,
            r.operations(),
            settings.loadThreads(),
            r.opsPerSecond(),
            r.failed()));
  }

  /** The wait for idle servers before one run. */
  void waited(ServersIdle.Wait wait) {
    waits.add(wait);
  }

  /** One workload × threads × phase; {@code byStore} holds the stores that ran it. */
  void cell(String workload, int threads, String phase, Map<String, YcsbResult> byStore) {
    YcsbResult floe = byStore.get("Floe");
    YcsbResult redis = byStore.get("Redis");
    String head =
        String.format("| %s | %d | %s ", workload.toUpperCase(Locale.ROOT), threads, phase);
    throughput.append(
        head
            + String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                ops(floe),
                ops(redis),
                floe == null || redis == null
                    ? "-"
                    : String.format(
                        Locale.ROOT, "%.2f×", floe.opsPerSecond() / redis.opsPerSecond()),
                cpu(floe, true),
                cpu(redis, true),
                cpu(floe, false),
                cpu(redis, false),
                s3Cpu(floe),
                totalCpu(floe) + " / " + totalCpu(redis),
                failures(floe) + " / " + failures(redis)));
    Set<String> ops = new LinkedHashSet<>();
    if (floe != null) {
      ops.addAll(floe.ops().keySet());
    }
    if (redis != null) {
      ops.addAll(redis.ops().keySet());
    }
    for (String op : ops) {
      latency.append(
          head + String.format("| %s | %s | %s |%n", op, latency(floe, op), latency(redis, op)));
    }
  }

  private static String ops(YcsbResult r) {
    return r == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.opsPerSecond());
  }

  private static String cpu(YcsbResult r, boolean client) {
    if (r == null) {
      return "-";
    }
    double micros = client ? r.clientCpuMicrosPerOp() : r.serverCpuMicrosPerOp();
    if (Double.isNaN(micros)) {
      return "?";
    }
    double jit = client ? r.clientJitCpuMicrosPerOp() : Double.NaN;
    return Double.isNaN(jit)
        ? String.format(Locale.ROOT, "%.1f", micros)
        : String.format(Locale.ROOT, "%.1f (JIT %.1f)", micros, jit);
  }

  private static String s3Cpu(YcsbResult r) {
    if (r == null || r.s3CpuNanos() < 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", r.s3CpuMicrosPerOp());
  }

  private static String totalCpu(YcsbResult r) {
    if (r == null || Double.isNaN(r.totalCpuMicrosPerOp())) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", r.totalCpuMicrosPerOp());
  }

  private static String failures(YcsbResult r) {
    if (r == null) {
      return "-";
    }
    return r.wrongValues() == 0
        ? Long.toString(r.failed())
        : r.failed() + " (" + r.wrongValues() + " wrong)";
  }

  private static String latency(YcsbResult r, String op) {
    YcsbResult.OpStats s = r == null ? null : r.ops().get(op);
    return s == null
        ? "-"
        : String.format(Locale.ROOT, "%,.0f / %,.0f", s.p50Micros(), s.p99Micros());
  }

  String markdown() {
    Settings s = settings;
    String length =
        s.seconds() != null
            ? String.format(Locale.ROOT, "%.0f s", s.seconds())
            : String.format(Locale.ROOT, "%,d operations", s.operations());
    StringBuilder out = new StringBuilder("# YCSB: Floe node vs Redis\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%s, %d cores, Java %s. YCSB 0.17.0 core workloads; %,d records of %d fields × %d"
                + " bytes, loaded by YCSB's client with %d threads. Each run of a workload is a"
                + " fresh YCSB JVM (`%s`) measuring a **cold** phase (%s from its start: JIT,"
                + " connections and routing still to come) then a **warm** phase (as long, in the"
                + " same JVM); %s, the stores alternating. Floe: one data node, a"
                + " `%s` table of %d partitions%s, blocking calls from YCSB's threads through one"
                + " shared client; Redis through Jedis, a connection per thread. Loopback, same"
                + " machine.%n",
            ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            s.records(),
            s.fields(),
            s.fieldBytes(),
            s.loadThreads(),
            s.javaOpts(),
            length,
            s.rounds() == 1 ? "one round" : "median of " + s.rounds() + " rounds",
            s.durability(),
            s.partitions(),
            s.floeProps().isEmpty() ? "" : " (" + String.join(", ", s.floeProps()) + ")"));
    if (note != null) {
      out.append('\n').append(note).append('\n');
    }
    if (!waits.isEmpty()) {
      long[] millis = waits.stream().mapToLong(ServersIdle.Wait::millis).sorted().toArray();
      out.append(
          String.format(
              Locale.ROOT,
              "%nBefore each run the harness waited until the servers (the stores' and the S3"
                  + " endpoint) together used under %.2f of a core over %.1f s, so that one run's"
                  + " background work (a node's snapshots and their upload) does not land on the"
                  + " next: median wait %.1f s, longest %.1f s over %d runs%s.%n",
              ServersIdle.BUSY_CORES,
              ServersIdle.WINDOW_MILLIS / 1000.0,
              millis[millis.length / 2] / 1000.0,
              millis[millis.length - 1] / 1000.0,
              millis.length,
              waits.stream().allMatch(ServersIdle.Wait::idle)
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; %d still busy after %.0f s (run anyway)",
                      waits.stream().filter(w -> !w.idle()).count(),
                      ServersIdle.MAX_MILLIS / 1000.0)));
    }
    out.append(
        "\nFloe's UPDATE is a partial update (the named fields only, one round trip, merged on"
            + " the leader), as Redis's HSET.\n");
    if (s.verify()) {
      out.append(
          "\nYCSB's data-integrity check was on: every value read was compared with the one"
              + " written (`wrong` counts mismatches).\n");
    }
    out.append(
        "\nCPU = CPU time per operation in µs: client = the YCSB JVM (workload generation,"
            + " measurement and the store's client library) during the phase, with the part its JIT"
            + " compiler threads took in brackets; server = the"
            + " data node's or redis-server's process; S3 = the S3 endpoint's process, where Floe"
            + " ships its WAL (on this same machine, sharing its cores; `-` when not measured);"
            + " total = the three together, what an operation cost the machine. Compare totals as"
            + " well as clients: the kernel bills some work for one process to another — on"
            + " loopback a reader blocked on its socket is woken by its peer's write, so"
            + " redis-server pays for waking Jedis's threads, where Floe's client wakes the callers"
            + " waiting on its connection itself. Failed = operations not answered OK.\n");
    out.append(
        "\n## Load\n\n| store | records | threads | ops/s | failed |\n|---|---:|---:|---:|---:|\n");
    out.append(loads);
    out.append(
        "\n## Throughput and CPU\n\n| workload | threads | phase | Floe ops/s | Redis ops/s"
            + " | Floe / Redis | client CPU Floe | client CPU Redis | server CPU Floe | server CPU"
            + " Redis | S3 CPU Floe | total CPU Floe / Redis | failed Floe / Redis |\n"
            + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    out.append(throughput);
    out.append(
        "\n## Latency (µs, p50 / p99, YCSB's HdrHistogram)\n\n| workload | threads | phase | op"
            + " | Floe | Redis |\n|---|---:|---|---|---:|---:|\n");
    out.append(latency);
    out.append("\nWorkloads: ");
    WORKLOADS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(e.getKey().toUpperCase(Locale.ROOT))
                    .append(" ")
                    .append(e.getValue())
                    .append("; "));
    out.setLength(out.length() - 2);
    out.append(" (zipfian keys; D reads the latest inserted).\n");
    return out.toString();
  }
}
