package io.floe.loadtests.chaos;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.client.control.ControlClient;
import io.floe.client.control.NewTable;
import io.floe.core.table.Durability;
import io.floe.loadtests.BenchFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The load and fault harness (DESIGN.md §14): starts a {@link ChaosCluster}, creates one table per
 * durability mode (3 replicas each), drives a {@link Workload} while {@link Faults} injects every
 * kind asked for the number of times asked (round after round, in a shuffled order), then heals
 * everything, reads every key back, checks the history ({@link Checker}) and writes a report with
 * plots ({@link ChaosReport}). Exit status 1 when a check fails where it must not: any anomaly in
 * {@code replicated} or {@code s3} mode, a phantom in any mode, a fault the cluster did not recover
 * from, or a partition left without an acknowledged write for longer than {@code --max-write-gap}
 * across a fault ({@link WriteGaps}: a failover shows as a gap of its length; a partition nobody
 * moves off a leader that takes no writes, as one as long as the aftermath).
 *
 * <pre>
 * load-tests/chaos.sh [--faults all|kill-leader,...] [--per-kind 2] [--threads 8] [--mix A]
 *     [--keys 2000] [--distribution uniform|zipfian] [--value-bytes 100] [--rate 0 (ops/s, 0: as
 *     fast as it goes)] [--partitions 4] [--nodes 3] [--dead-after 1s] [--lease-ttl 4s]
 *     [--warmup-seconds 10] [--gap-seconds 2] [--seed 1] [--request-timeout 10s (the client's)]
 *     [--max-write-gap 30s] [--max-minutes 0 (injects no fault past that many minutes of faults,
 *     then checks and reports as usual; 0: no limit)] [--report-dir load-tests/reports]
 *     [--ledger FILE] [--report-only true] [--code REV (chaos.sh passes the tree's git describe)]
 * </pre>
 */
public final class ChaosRun {
  static final Map<String, Durability> TABLES =
      Map.of(
          "chaos.replicated", Durability.REPLICATED,
          "chaos.s3", Durability.S3,
          "chaos.memory", Durability.MEMORY);

  /** What a run asks for. */
  record Settings(
      List<FaultKind> faults,
      int perKind,
      int threads,
      Workload.Mix mix,
      long keys,
      boolean zipfian,
      int valueBytes,
      double rate,
      int partitions,
      int nodes,
      String deadAfter,
      String leaseTtl,
      int warmupSeconds,
      int gapSeconds,
      long seed,
      Duration requestTimeout,
      Duration maxWriteGap,
      Duration maxFaultTime,
      Path reportDir,
      Path ledger,
      String code) {
    /** How many faults were asked for. */
    int asked() {
      return perKind * faults.size();
    }

    static Settings parse(Map<String, String> f) {
      return new Settings(
          FaultKind.parse(f.getOrDefault("faults", "all")),
          Integer.parseInt(f.getOrDefault("per-kind", "2")),
          Integer.parseInt(f.getOrDefault("threads", "8")),
          Workload.Mix.parse(f.getOrDefault("mix", "A")),
          Long.parseLong(f.getOrDefault("keys", "2000")),
          switch (f.getOrDefault("distribution", "uniform")) {
            case "uniform" -> false;
            case "zipfian" -> true;
            default ->
                throw new IllegalArgumentException(
                    "--distribution is uniform or zipfian, not " + f.get("distribution"));
          },
          Integer.parseInt(f.getOrDefault("value-bytes", "100")),
          Double.parseDouble(f.getOrDefault("rate", "0")),
          Integer.parseInt(f.getOrDefault("partitions", "4")),
          Integer.parseInt(f.getOrDefault("nodes", "3")),
          f.getOrDefault("dead-after", "1s"),
          f.getOrDefault("lease-ttl", "4s"),
          Integer.parseInt(f.getOrDefault("warmup-seconds", "10")),
          Integer.parseInt(f.getOrDefault("gap-seconds", "2")),
          Long.parseLong(f.getOrDefault("seed", "1")),
          io.floe.core.config.ConfigReader.parseDuration(f.getOrDefault("request-timeout", "10s")),
          io.floe.core.config.ConfigReader.parseDuration(f.getOrDefault("max-write-gap", "30s")),
          Duration.ofMinutes(Long.parseLong(f.getOrDefault("max-minutes", "0"))),
          Path.of(f.getOrDefault("report-dir", "load-tests/reports")),
          f.containsKey("ledger") ? Path.of(f.get("ledger")) : null,
          f.getOrDefault("code", ""));
    }
  }

  /** What a run found. */
  record Outcome(
      CheckResult check,
      List<Faults.FaultEvent> faults,
      WriteGaps gaps,
      Path report,
      boolean passed) {}

  /** The partition of a key (its decimal {@code int64}) of each table, as the client routes it. */
  static java.util.function.ToIntBiFunction<String, String> partitioner(List<FloeTable> tables) {
    Map<String, FloeTable> byName = new java.util.HashMap<>();
    Map<String, io.floe.core.table.KeyCodec> codecs = new java.util.HashMap<>();
    for (FloeTable t : tables) {
      byName.put(t.name(), t);
      codecs.put(t.name(), new io.floe.core.table.KeyCodec(t.schema()));
    }
    return (table, key) ->
        io.floe.core.table.PartitionHasher.partition(
            codecs.get(table).encodeKey(Long.parseLong(key)), byName.get(table).partitions());
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = BenchFlags.parse(args);
    Settings settings = Settings.parse(flags);
    if (Boolean.parseBoolean(flags.getOrDefault("report-only", "false"))) {
      if (settings.ledger() == null) {
        throw new IllegalArgumentException("--report-only true needs --ledger FILE");
      }
      Path summary = writeSummary(new LongRunLedger(settings.ledger()), settings);
      System.out.println("the long run so far: " + summary);
      return;
    }
    Outcome outcome = run(settings);
    System.out.println("report: " + outcome.report());
    System.exit(outcome.passed() ? 0 : 1);
  }

  static Outcome run(Settings s) throws Exception {
    LongRunLedger ledger = s.ledger() == null ? null : new LongRunLedger(s.ledger());
    int rounds = s.perKind();
    if (ledger != null) {
      rounds = LongRunLedger.roundsLeft(ledger.read(), s.faults(), s.perKind());
      System.out.printf(
          "long run in segments (%s): %d of %d rounds left%n", s.ledger(), rounds, s.perKind());
      if (rounds <= 0) {
        Path summary = writeSummary(ledger, s);
        System.out.println("the long run is complete: " + summary);
        return new Outcome(null, List.of(), null, summary, true);
      }
    }
    Path work = Files.createTempDirectory("floe-chaos");
    System.out.printf(
        "chaos: %d data nodes, 2 control planes, 3 etcd members; faults %s x %d%n",
        s.nodes(), s.faults().stream().map(FaultKind::label).toList(), s.perKind());
    try (ChaosCluster cluster = ChaosCluster.start(work, s.nodes(), s.deadAfter(), s.leaseTtl());
        ControlClient control = cluster.control()) {
      List<String> names = new ArrayList<>(TABLES.keySet());
      Collections.sort(names);
      for (String name : names) {
        createTable(control, name, TABLES.get(name), s.partitions());
      }
      try (FloeClient client =
          FloeClient.connect(
              ClientConfig.of(cluster.endpoints().toArray(String[]::new))
                  .withRequestTimeout(s.requestTimeout()))) {
        List<FloeTable> targets = new ArrayList<>();
        for (String name : names) {
          targets.add(client.table(name));
        }
        History history = new History(TABLES);
        long origin = history.originNanos();
        S3Lag lag = new S3Lag(cluster.metricsPorts(), origin).start();
        Workload workload =
            new Workload(
                targets,
                history,
                s.mix(),
                s.threads(),
                s.keys(),
                s.zipfian(),
                s.valueBytes(),
                s.rate());
        Faults faults =
            new Faults(
                cluster,
                control,
                workload,
                names,
                origin,
                s.seed(),
                io.floe.core.config.ConfigReader.parseDuration(s.leaseTtl()));
        if (Double.isNaN(faults.awaitWhole())) {
          throw new IllegalStateException("the new cluster's tables did not all serve");
        }
        workload.load(4);
        workload.start();
        System.out.printf(
            "loaded %d keys per table; warming up %d s%n", s.keys(), s.warmupSeconds());
        Thread.sleep(s.warmupSeconds() * 1000L);
        List<Faults.FaultEvent> events = new ArrayList<>();
        Random order = new Random(s.seed());
        long faultsUntil =
            s.maxFaultTime().isZero()
                ? Long.MAX_VALUE
                : System.nanoTime() + s.maxFaultTime().toNanos();
        rounds:
        for (int round = 0; round < rounds; round++) {
          List<FaultKind> kinds = new ArrayList<>(s.faults());
          Collections.shuffle(kinds, order);
          for (FaultKind kind : kinds) {
            if (System.nanoTime() - faultsUntil > 0) {
              System.out.printf(
                  "--max-minutes %d reached after %d of %d faults%n",
                  s.maxFaultTime().toMinutes(), events.size(), s.asked());
              break rounds;
            }
            Faults.FaultEvent e = faults.inject(kind);
            events.add(e);
            System.out.printf(
                Locale.ROOT,
                "fault %d: %s on %s at %.1f s: failover %s, whole again after %.1f s%s%n",
                events.size(),
                kind.label(),
                e.target(),
                e.startSec(),
                e.failoverMs() < 0 ? "-" : e.failoverMs() + " ms",
                e.wholeSec() - e.startSec(),
                e.problem() == null ? "" : " PROBLEM: " + e.problem());
            Thread.sleep(s.gapSeconds() * 1000L);
          }
        }
        workload.stop();
        faults.healEverything();
        double whole = faults.awaitWhole();
        System.out.printf(
            "%,d writes acknowledged; cluster whole at the end: %s; reading every key back%n",
            workload.acknowledgedWrites(), !Double.isNaN(whole));
        Workload.FinalState state = workload.finalState();
        if (state.unreadableKeys() > 0) {
          System.out.printf(
              "%,d keys could not be read back: %s%n", state.unreadableKeys(), firstReasons(state));
        }
        CheckResult check = new Checker().check(history.ops(), state.rows(), state.unreadable());
        boolean recovered = events.stream().allMatch(e -> e.problem() == null);
        WriteGaps gaps = new WriteGaps(history.ops(), partitioner(targets));
        boolean available =
            events.stream()
                .allMatch(
                    e ->
                        gaps.longest(e.startSec(), e.wholeSec()).seconds()
                            <= s.maxWriteGap().toMillis() / 1000.0);
        boolean passed = recovered && available && !Double.isNaN(whole) && check.keepsPromises();
        lag.close();
        Path report =
            new ChaosReport(s, history, check, events, gaps, lag.series(), passed)
                .write(s.reportDir());
        System.out.println(check.summary());
        if (ledger != null) {
          recordSegment(ledger, s, report, passed, check, events, gaps);
        }
        return new Outcome(check, events, gaps, report, passed);
      }
    }
  }

  /** Appends this segment to the long run's ledger and writes the long run's report so far. */
  private static void recordSegment(
      LongRunLedger ledger,
      Settings s,
      Path report,
      boolean passed,
      CheckResult check,
      List<Faults.FaultEvent> events,
      WriteGaps gaps)
      throws IOException {
    List<LongRunLedger.Fault> faults = new ArrayList<>();
    for (Faults.FaultEvent e : events) {
      faults.add(
          new LongRunLedger.Fault(
              e.kind(),
              e.failoverMs(),
              gaps.longest(e.startSec(), e.wholeSec()).seconds(),
              e.wholeSec() - e.startSec(),
              e.problem()));
    }
    Map<Durability, CheckResult.Counts> counts = new java.util.EnumMap<>(Durability.class);
    for (Durability mode : Durability.values()) {
      if (check.byMode().containsKey(mode)) {
        counts.put(mode, check.counts(mode));
      }
    }
    ledger.append(
        new LongRunLedger.Segment(
            java.time.Instant.now().toString(),
            s.code(),
            report.toString(),
            passed,
            counts,
            faults));
    int left = LongRunLedger.roundsLeft(ledger.read(), s.faults(), s.perKind());
    Path summary = writeSummary(ledger, s);
    if (left > 0) {
      System.out.printf(
          "segment recorded in %s, the long run so far in %s; %d rounds left: run the same command"
              + " again%n",
          ledger.file(), summary, left);
    } else {
      System.out.println("the long run is complete: " + summary);
    }
  }

  /**
   * Writes the long run's report over every segment so far (beside the segments' reports, under one
   * name the README can link), in progress or complete.
   */
  private static Path writeSummary(LongRunLedger ledger, Settings s) throws IOException {
    Files.createDirectories(s.reportDir());
    Path summary = s.reportDir().resolve("chaos-long.md");
    Files.writeString(summary, LongRunLedger.summary(ledger.read(), s.faults(), s.perKind()));
    return summary;
  }

  /** The distinct errors the read back met, each with how many keys met it. */
  private static Map<String, Long> firstReasons(Workload.FinalState state) {
    return state.unreadable().values().stream()
        .flatMap(m -> m.values().stream())
        .collect(
            java.util.stream.Collectors.groupingBy(
                r -> r, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  private static void createTable(
      ControlClient control, String name, Durability durability, int partitions)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      try {
        control.createTable(new NewTable(name, Workload.schema(), partitions, 3, durability, null));
        return;
      } catch (RuntimeException e) {
        // the control planes may still be electing a leader; or the answer was lost, not the table
        try {
          control.describeTable(name);
          return;
        } catch (RuntimeException notThere) {
          // not created: try again
        }
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }
}
