package io.floe.loadtests.ycsb;

import io.floe.loadtests.BenchFlags;
import io.floe.loadtests.node.ProcessCpu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YCSB side by side: one Floe node and Redis (through Jedis), loaded with the same records, then
 * each workload at each thread count run against both, the stores alternating round by round. Each
 * run is a fresh YCSB JVM measuring a cold phase and then a warm one ({@link YcsbPhases}); the
 * report gives the median round of each. Prints a Markdown report and writes it to the report
 * directory.
 *
 * <p>Flags ({@code --name value}): {@code floe} / {@code redis} endpoints (host:port; either may be
 * left out), {@code floe-pid} / {@code redis-pid} (their CPU per operation), {@code workloads}
 * (a,b,c,d,e,f), {@code threads} (16,32), {@code records} (100000), {@code fields} (10), {@code
 * field-bytes} (100), {@code seconds} per phase (20) or {@code ops} per phase (instead of seconds),
 * {@code phases} (cold,warm), {@code rounds} (3), {@code load-threads} (16), {@code durability}
 * (memory|s3), {@code partitions} (8), {@code floe-props} (more {@code floe.*} binding properties,
 * comma-separated k=v), {@code verify} (YCSB's data-integrity check of every value read; false),
 * {@code workload-dir}, {@code work-dir} (phase logs), {@code report-dir}, {@code java-opts} (of
 * the YCSB JVMs), {@code note}.
 */
public final class YcsbVsRedis {
  private final Map<String, String> flags;
  private final YcsbLauncher launcher;
  private final Path workloadDir;

  private YcsbVsRedis(Map<String, String> flags, YcsbLauncher launcher) {
    this.flags = flags;
    this.launcher = launcher;
    this.workloadDir = Path.of(flag("workload-dir", "load-tests/ycsb-workloads"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = BenchFlags.parse(args);
    Path work = Path.of(flags.getOrDefault("work-dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(work);
    List<String> jvm = List.of(flags.getOrDefault("java-opts", "-Xms1g -Xmx1g").split("\\s+"));
    new YcsbVsRedis(flags, new YcsbLauncher(jvm, work)).run();
  }

  private String flag(String name, String otherwise) {
    return flags.getOrDefault(name, otherwise);
  }

  /** YCSB's maxexecutiontime is whole seconds. */
  private String seconds() {
    String seconds = flag("seconds", "20");
    if (!seconds.matches("[1-9][0-9]*")) {
      throw new IllegalArgumentException(
          "--seconds must be a whole number of seconds per phase, got '" + seconds + "'");
    }
    return seconds;
  }

  private List<String> list(String name, String otherwise) {
    List<String> out = new ArrayList<>();
    for (String v : flag(name, otherwise).split(",")) {
      if (!v.isBlank()) {
        out.add(v.trim());
      }
    }
    return out;
  }

  private void run() throws Exception {
    List<YcsbStore> stores = stores();
    seconds();
    List<String> workloads = list("workloads", "a,b,c,d,e,f");
    List<String> threadCounts = list("threads", "16,32");
    int rounds = Integer.parseInt(flag("rounds", "3"));
    YcsbReport report = new YcsbReport(settings(stores), flags.get("note"));
    for (YcsbStore store : stores) {
      System.out.printf("load %s: %s records%n", store.name(), flag("records", "100000"));
      report.load(store.name(), load(store));
    }
    ServersIdle servers = serversIdle();
    Map<String, List<YcsbResult>> byCell = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String workload : workloads) {
        for (String threads : threadCounts) {
          // Alternate which store goes first so that both see the same background on average.
          for (int i = 0; i < stores.size(); i++) {
            YcsbStore store = stores.get((i + round) % stores.size());
            ServersIdle.Wait idle = servers.await();
            report.waited(idle);
            System.out.printf(
                "round %d: workload %s, %s threads, %s (servers %s after %.1f s)%n",
                round + 1,
                workload,
                threads,
                store.name(),
                idle.idle() ? "idle" : "still busy",
                idle.millis() / 1000.0);
            for (YcsbResult phase : runPhases(store, workload, threads)) {
              print(phase);
              byCell
                  .computeIfAbsent(
                      key(store.name(), workload, threads, phase.phase()), k -> new ArrayList<>())
                  .add(phase);
            }
          }
        }
      }
    }
    for (String workload : workloads) {
      for (String threads : threadCounts) {
        for (String phase : list("phases", "cold,warm")) {
          Map<String, YcsbResult> cell = new HashMap<>();
          for (YcsbStore store : stores) {
            List<YcsbResult> runs = byCell.get(key(store.name(), workload, threads, phase));
            if (runs != null) {
              cell.put(store.name(), median(runs));
            }
          }
          report.cell(workload, Integer.parseInt(threads), phase, cell);
        }
      }
    }
    write(report.markdown());
  }

  private List<YcsbStore> stores() {
    List<YcsbStore> stores = new ArrayList<>();
    if (flags.containsKey("floe")) {
      List<String> props = new ArrayList<>();
      props.add(SharedFloeTable.DURABILITY + "=" + flag("durability", "memory"));
      props.add(SharedFloeTable.PARTITIONS + "=" + flag("partitions", "8"));
      props.addAll(list("floe-props", ""));
      stores.add(YcsbStore.floe(flags.get("floe"), Long.parseLong(flag("floe-pid", "0")), props));
    }
    if (flags.containsKey("redis")) {
      stores.add(YcsbStore.redis(flags.get("redis"), Long.parseLong(flag("redis-pid", "0"))));
    }
    if (stores.isEmpty()) {
      throw new IllegalArgumentException("give --floe host:port, --redis host:port or both");
    }
    return stores;
  }

  /**
   * The wait before each run for every server of the run — the stores' and the S3 endpoint — to be
   * idle, whichever store ran last.
   */
  private ServersIdle serversIdle() {
    List<Long> pids = new ArrayList<>();
    for (String flag : List.of("floe-pid", "redis-pid", "s3-pid")) {
      long pid = Long.parseLong(flag(flag, "0"));
      if (pid > 0) {
        pids.add(pid);
      }
    }
    return new ServersIdle(
        () -> pids.isEmpty() ? -1 : ProcessCpu.nanos(pids),
        Thread::sleep,
        ServersIdle.WINDOW_MILLIS,
        ServersIdle.BUSY_CORES,
        ServersIdle.MAX_MILLIS);
  }

  /** The YCSB properties every phase of every store shares. */
  private List<String> common(String workload) {
    List<String> args = new ArrayList<>();
    args.add("-P");
    args.add(workloadDir.resolve("workload" + workload).toString());
    String records = flag("records", "100000");
    for (String p :
        List.of(
            "recordcount=" + records,
            "fieldcount=" + flag("fields", "10"),
            "fieldlength=" + flag("field-bytes", "100"),
            "dataintegrity=" + flag("verify", "false"),
            "measurementtype=hdrhistogram",
            "hdrhistogram.percentiles=50,99")) {
      args.add("-p");
      args.add(p);
    }
    return args;
  }

  private List<String> storeArgs(YcsbStore store, String threads) {
    List<String> args = new ArrayList<>(List.of("-db", store.binding(), "-threads", threads));
    for (String p : store.properties()) {
      args.add("-p");
      args.add(p);
    }
    return args;
  }

  /** YCSB's own client loads the records (so the bindings are exercised by it too). */
  private YcsbResult load(YcsbStore store) throws Exception {
    List<String> args = new ArrayList<>(List.of("-load"));
    args.addAll(common("a"));
    args.addAll(storeArgs(store, flag("load-threads", "16")));
    // The workload reads operationcount even when it only inserts the records.
    args.addAll(List.of("-p", "operationcount=" + flag("records", "100000")));
    if (store.isFloe()) {
      args.addAll(List.of("-p", SharedFloeTable.CREATE_TABLE + "=true"));
    }
    String out = launcher.run(store, "load-" + store.name(), "site.ycsb.Client", args);
    YcsbResult load = YcsbResult.parse(out, "load").get(0);
    print(load);
    return load;
  }

  private List<YcsbResult> runPhases(YcsbStore store, String workload, String threads)
      throws Exception {
    List<String> args = new ArrayList<>(common(workload));
    args.addAll(storeArgs(store, threads));
    args.addAll(List.of("-p", YcsbPhases.PHASES + "=" + flag("phases", "cold,warm")));
    args.addAll(List.of("-p", YcsbPhases.SERVER_PID + "=" + store.pid()));
    if (store.isFloe() && flags.containsKey("s3-pid")) {
      args.addAll(List.of("-p", YcsbPhases.S3_PID + "=" + flags.get("s3-pid")));
    }
    if (flags.containsKey("ops")) {
      args.addAll(List.of("-p", "operationcount=" + flags.get("ops")));
    } else {
      // Time-bound: operationcount only sizes the key space a workload inserts into (as YCSB's
      // workload files set it, equal to the record count).
      args.addAll(List.of("-p", "maxexecutiontime=" + seconds()));
      args.addAll(List.of("-p", "operationcount=" + flag("records", "100000")));
    }
    String label = "workload" + workload + "-" + threads + "t-" + store.name();
    return YcsbResult.parse(launcher.run(store, label, YcsbPhases.class.getName(), args), "run");
  }

  private static String key(String store, String workload, String threads, String phase) {
    return store + "/" + workload + "/" + threads + "/" + phase;
  }

  /** The round with the median throughput (its latencies and CPU come with it). */
  private static YcsbResult median(List<YcsbResult> rounds) {
    List<YcsbResult> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(YcsbResult::opsPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static void print(YcsbResult r) {
    System.out.printf(
        "  %s: %,.0f ops/s, %,d ops, client %.1f µs/op (JIT %.1f), server %.1f µs/op%s, failed %d, wrong %d%n",
        r.phase(),
        r.opsPerSecond(),
        r.operations(),
        r.clientCpuMicrosPerOp(),
        r.clientJitCpuMicrosPerOp(),
        r.serverCpuMicrosPerOp(),
        r.s3CpuNanos() < 0 ? "" : String.format(", S3 endpoint %.1f µs/op", r.s3CpuMicrosPerOp()),
        r.failed(),
        r.wrongValues());
  }

  private YcsbReport.Settings settings(List<YcsbStore> stores) {
    return new YcsbReport.Settings(
        Integer.parseInt(flag("records", "100000")),
        Integer.parseInt(flag("fields", "10")),
        Integer.parseInt(flag("field-bytes", "100")),
        flags.containsKey("ops") ? null : Double.valueOf(seconds()),
        flags.containsKey("ops") ? Long.valueOf(flags.get("ops")) : null,
        Integer.parseInt(flag("rounds", "3")),
        Integer.parseInt(flag("load-threads", "16")),
        flag("durability", "memory"),
        Integer.parseInt(flag("partitions", "8")),
        list("floe-props", ""),
        Boolean.parseBoolean(flag("verify", "false")),
        flag("java-opts", "-Xms1g -Xmx1g"),
        stores.stream().map(YcsbStore::name).toList());
  }

  private void write(String text) throws Exception {
    System.out.println(text);
    Path dir = Path.of(flag("report-dir", "load-tests/reports"));
    Files.createDirectories(dir);
    Path file =
        dir.resolve(
            "ycsb-vs-redis-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".md");
    Files.writeString(file, text);
    System.out.println("report: " + file);
  }
}
