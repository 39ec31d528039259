package io.floe.loadtests.failover;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.client.control.ControlClient;
import io.floe.client.control.ControlConfig;
import io.floe.client.control.NewTable;
import io.floe.client.control.Operation;
import io.floe.client.control.TableView;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.loadtests.BenchFlags;
import io.floe.testsupport.etcd.EtcdOptions;
import io.floe.testsupport.etcd.EtcdProcess;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.S3Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The control plane's failover benchmark (issue 10): etcd, S3 (S3Proxy over HTTP), three data nodes
 * and two control planes as separate processes; a {@code replicated} table of 3 replicas under
 * write load from {@code writers} threads; {@code kills} times the leader of a random partition is
 * killed with {@code kill -9} and the control plane fails it over by itself. Per kill: the time
 * from the kill to the first write acknowledged on a partition the victim led. The node is
 * restarted and re-added before the next kill. Then {@code quiet-minutes} at full write load with
 * no fault, counting failovers nobody caused. At the end every acknowledged write is read back.
 *
 * <p>Flags: {@code kills} (30), {@code quiet-minutes} (10), {@code writers} (8), {@code partitions}
 * (6), {@code dead-after} (1s), {@code warmup-seconds} (60: full write load before the first kill,
 * so that the first failovers are not measured on processes that have just started), {@code keys}
 * (500,000: writes cycle over them, so a long run does not fill the nodes' memory), {@code
 * report-dir}.
 */
public final class FailoverBench {
  static final String TABLE = "bench.failover";
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false), new Column("v", ColumnType.STRING, false)),
          List.of("id"));

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = BenchFlags.parse(args);
    int kills = Integer.parseInt(flags.getOrDefault("kills", "30"));
    double quietMinutes = Double.parseDouble(flags.getOrDefault("quiet-minutes", "10"));
    int writers = Integer.parseInt(flags.getOrDefault("writers", "8"));
    int partitions = Integer.parseInt(flags.getOrDefault("partitions", "6"));
    String deadAfter = flags.getOrDefault("dead-after", "1s");
    int warmupSeconds = Integer.parseInt(flags.getOrDefault("warmup-seconds", "60"));
    int keySpace = Integer.parseInt(flags.getOrDefault("keys", "500000"));
    Path reportDir = Path.of(flags.getOrDefault("report-dir", "load-tests/reports"));
    Path work = Files.createTempDirectory("floe-failover-bench");

    List<NodeProcess> processes = new ArrayList<>();
    try (EtcdProcess etcd =
            EtcdProcess.start(EtcdOptions.single(work.resolve("etcd"), freePort(), freePort()));
        S3Server s3 = S3Server.start(work.resolve("s3"), freePort())) {
      s3.createBucket("floe");
      String cluster = "failover";
      Map<String, String> s3Settings = new HashMap<>();
      s3Settings.put("s3.endpoint", s3.endpoint().toString());
      s3Settings.put("s3.bucket", "floe");
      s3Settings.put("s3.region", s3.region());
      s3Settings.put("s3.access-key", s3.accessKey());
      s3Settings.put("s3.secret-key", s3.secretKey());
      s3Settings.put("s3.path-style", "true");
      Map<String, NodeProcess> nodes = new LinkedHashMap<>();
      for (String id : List.of("a", "b", "c")) {
        Map<String, String> settings = new HashMap<>(s3Settings);
        settings.put("node.id", id);
        settings.put("etcd.endpoints", String.join(",", etcd.clientEndpoints()));
        settings.put("cluster.name", cluster);
        settings.put("node.status-interval", "100ms");
        settings.put("wal.flush-interval", "50ms");
        NodeProcess n = new NodeProcess(settings, List.of("-Xmx1g")).start();
        nodes.put(id, n);
        processes.add(n);
      }
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Map<String, String> settings = new HashMap<>(s3Settings); // the catalog goes to S3
        settings.put("floe.cluster.name", cluster);
        settings.put("floe.etcd.endpoints", String.join(",", etcd.clientEndpoints()));
        settings.put("floe.failover.dead-after", deadAfter);
        NodeProcess cp =
            new NodeProcess(
                    "io.floe.controlplane.ControlPlaneApp",
                    "micronaut.server.port",
                    settings,
                    List.of("-Xmx512m"))
                .start();
        processes.add(cp);
        urls.add("http://127.0.0.1:" + cp.port());
      }
      System.out.println("cluster up: 3 data nodes, 2 control planes " + urls);

      try (ControlClient control =
          ControlClient.connect(ControlConfig.of(urls.toArray(String[]::new)))) {
        awaitCreated(control, partitions);
        List<String> seeds = nodes.values().stream().map(n -> "127.0.0.1:" + n.port()).toList();
        try (FloeClient client =
            FloeClient.connect(
                ClientConfig.of(seeds.toArray(String[]::new))
                    .withRequestTimeout(Duration.ofSeconds(10)))) {
          FloeTable table = client.table(TABLE);
          awaitServing(table, Duration.ofMinutes(2));
          Result result =
              new Run(control, table, nodes, partitions, writers, keySpace)
                  .go(warmupSeconds, kills, quietMinutes);
          String report =
              report(result, warmupSeconds, quietMinutes, writers, partitions, deadAfter);
          Files.createDirectories(reportDir);
          String stamp =
              DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                  .withZone(ZoneOffset.UTC)
                  .format(Instant.now());
          Path file = reportDir.resolve("failover-" + stamp + ".md");
          Files.writeString(file, report);
          System.out.println(report);
          System.out.println("report: " + file);
          if (result.lost > 0) {
            System.exit(1);
          }
        }
      }
    } finally {
      for (NodeProcess p : processes) {
        p.close();
      }
    }
  }

  private static void awaitCreated(ControlClient control, int partitions)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      try {
        control.createTable(
            new NewTable(TABLE, SCHEMA, partitions, 3, Durability.REPLICATED, null));
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }

  static void awaitServing(FloeTable table, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      try {
        List<PartitionStatus> s = table.status();
        if (s.stream().allMatch(p -> p.state() == PartitionState.NORMAL)) {
          return;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(TABLE + " did not serve within " + atMost);
      }
      Thread.sleep(200);
    }
  }

  record Result(
      List<Long> failoverMillis,
      long acked,
      long lost,
      long failedWrites,
      int falseFailovers,
      double quietMinutes,
      long quietAcked) {}

  /** The writers, the kills and the quiet phase. */
  private static final class Run {
    private final ControlClient control;
    private final FloeTable table;
    private final Map<String, NodeProcess> nodes;
    private final int partitions;
    private final int writers;
    private final KeyCodec keys = new KeyCodec(SCHEMA);
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();

    // Writes cycle over a bounded key space (write n goes to key n mod keys) so that a long run
    // does not fill the nodes' memory; per key, the newest write acknowledged and the newest
    // attempted (outcome unknown when it failed), for the read-back check.
    private final int keySpace;
    private final AtomicLongArray lastAcked;
    private final AtomicLongArray lastAttempted;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean(true);

    /** Per partition: the first ack (nanoTime) of a write invoked after {@link #armedAt}. */
    private final AtomicLongArray firstAck;

    private volatile long armedAt = Long.MAX_VALUE;

    Run(
        ControlClient control,
        FloeTable table,
        Map<String, NodeProcess> nodes,
        int partitions,
        int writers,
        int keySpace) {
      this.control = control;
      this.table = table;
      this.keySpace = keySpace;
      this.lastAcked = new AtomicLongArray(keySpace);
      this.lastAttempted = new AtomicLongArray(keySpace);
      for (int k = 0; k < keySpace; k++) {
        lastAcked.set(k, -1);
        lastAttempted.set(k, -1);
      }
      this.nodes = nodes;
      this.partitions = partitions;
      this.writers = writers;
      this.firstAck = new AtomicLongArray(partitions);
    }

    /** Where every replica of {@code pids} stands, and their operations: for a stalled failover. */
    private void dumpState(List<Integer> pids) {
      try {
        for (Map<String, Object> row : control.getTableStatus(TABLE)) {
          if (pids.contains(((Number) row.getOrDefault("pid", -1)).intValue())) {
            System.out.println("  status " + row);
          }
        }
        for (Map<String, Object> row : control.showTable(TABLE)) {
          if (pids.contains(((Number) row.getOrDefault("pid", -1)).intValue())) {
            System.out.println("  replica " + row);
          }
        }
        TableView view = control.describeTable(TABLE);
        for (int pid : pids) {
          System.out.println("  placement " + view.placement().get(pid));
          List<Operation> ops = control.operations(TABLE, pid);
          ops.subList(Math.max(0, ops.size() - 4), ops.size())
              .forEach(op -> System.out.println("  op " + op));
        }
      } catch (RuntimeException e) {
        System.out.println("  (cannot describe the stalled partitions: " + e + ")");
      }
      // Each live node writes its threads to its log: where is it stuck?
      nodes.forEach(
          (id, n) -> {
            if (n.isAlive()) {
              try {
                new ProcessBuilder("kill", "-3", Long.toString(n.pid())).start().waitFor();
                System.out.println("  threads of " + id + " written to " + n.log());
              } catch (IOException | InterruptedException e) {
                System.out.println("  (cannot dump the threads of " + id + ": " + e + ")");
              }
            }
          });
    }

    Result go(int warmupSeconds, int kills, double quietMinutes) throws Exception {
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Thread t = new Thread(this::write, "writer-" + w);
        t.start();
        threads.add(t);
      }
      System.out.printf("warming up: %d s of writes before the first kill%n", warmupSeconds);
      Thread.sleep(warmupSeconds * 1000L);
      Random random = new Random(42);
      List<Long> failover = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        Thread.sleep(1500);
        TableView view = control.describeTable(TABLE);
        int pid = random.nextInt(partitions);
        String victim = view.placement().get(pid).leader();
        List<Integer> led = new ArrayList<>();
        view.placement()
            .forEach(
                p -> {
                  if (victim.equals(p.leader())) {
                    led.add(p.pid());
                  }
                });
        for (int i = 0; i < partitions; i++) {
          firstAck.set(i, Long.MAX_VALUE);
        }
        long killedAt = System.nanoTime();
        nodes.get(victim).kill();
        // Armed once the process is gone, not at the signal: a write the victim acknowledged in
        // its last milliseconds is no failover (a first run's cold kill measured 2 ms so).
        armedAt = System.nanoTime();
        long deadline = killedAt + Duration.ofSeconds(60).toNanos();
        while (led.stream().anyMatch(p -> firstAck.get(p) == Long.MAX_VALUE)) {
          if (System.nanoTime() > deadline) {
            dumpState(led);
            throw new IllegalStateException(
                "kill " + (k + 1) + ": no write acknowledged on " + led + " within 60 s");
          }
          Thread.sleep(5);
        }
        long slowest = led.stream().mapToLong(firstAck::get).max().orElseThrow();
        long ms = (slowest - killedAt) / 1_000_000;
        failover.add(ms);
        System.out.printf(
            "kill %d/%d: %s (leader of %s) -> first write acknowledged on all of them after %d ms%n",
            k + 1, kills, victim, led, ms);
        armedAt = Long.MAX_VALUE;
        nodes.get(victim).start();
        awaitAllAlive(Duration.ofMinutes(3));
      }
      // Quiet: full write load, no fault; any failover now was caused by nothing.
      long opsBefore = changeLeaders();
      long ackedBefore = acked.get();
      long quietEnd = System.nanoTime() + (long) (quietMinutes * 60e9);
      while (System.nanoTime() < quietEnd) {
        Thread.sleep(1000);
      }
      int falseFailovers = (int) (changeLeaders() - opsBefore);
      long quietAcked = acked.get() - ackedBefore;
      writing.set(false);
      for (Thread t : threads) {
        t.join();
      }
      // Every key holds its newest acknowledged write, or a newer one whose outcome was unknown;
      // a key never acknowledged holds nothing or an unknown-outcome write of its own.
      long lost = 0;
      for (int k = 0; k < keySpace; k++) {
        Row row = table.get((long) k);
        long ackedSeq = lastAcked.get(k);
        long seq = row == null ? -1 : Long.parseLong(((String) row.get(1)).substring(1));
        boolean ok =
            row == null
                ? ackedSeq < 0
                : seq % keySpace == k && seq >= ackedSeq && seq <= lastAttempted.get(k);
        if (!ok) {
          lost++;
          if (lost <= 10) {
            System.out.printf(
                "key %d: read %s, newest acknowledged write %d, newest attempted %d%n",
                k, row, ackedSeq, lastAttempted.get(k));
          }
        }
      }
      return new Result(
          failover, acked.get(), lost, failed.get(), falseFailovers, quietMinutes, quietAcked);
    }

    private long changeLeaders() {
      return control.operations(null, null).stream()
          .filter(o -> o.type().equals("ChangeLeader"))
          // moving leaders back to a node that returned is balance, not a failover
          .filter(o -> !String.valueOf(o.detail().get("reason")).startsWith("rebalance:"))
          .count();
    }

    private void awaitAllAlive(Duration atMost) throws InterruptedException {
      long deadline = System.nanoTime() + atMost.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          List<Map<String, Object>> rows = control.getTableStatus(TABLE);
          if (!rows.isEmpty()
              && rows.stream()
                  .allMatch(
                      r ->
                          "normal".equals(String.valueOf(r.get("state")))
                              && "yes".equals(String.valueOf(r.get("is_alive"))))
              && control.operations(TABLE, null).stream().allMatch(Operation::ended)) {
            return;
          }
        } catch (RuntimeException e) {
          // a control plane busy or changing: ask again
        }
        Thread.sleep(200);
      }
      List<Integer> all = new ArrayList<>();
      for (int pid = 0; pid < partitions; pid++) {
        all.add(pid);
      }
      dumpState(all);
      throw new IllegalStateException("the cluster did not come back whole within " + atMost);
    }

    private void write() {
      while (writing.get()) {
        long seq = next.getAndIncrement();
        int key = (int) (seq % keySpace);
        long invoked = System.nanoTime();
        lastAttempted.accumulateAndGet(key, seq, Math::max);
        try {
          table.put(new Row((long) key, "v" + seq));
          lastAcked.accumulateAndGet(key, seq, Math::max);
          acked.incrementAndGet();
          if (invoked > armedAt) {
            int pid = PartitionHasher.partition(keys.encode(new Row((long) key, null)), partitions);
            firstAck.accumulateAndGet(pid, System.nanoTime(), Math::min);
          }
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }
    }
  }

  private static String report(
      Result r,
      int warmupSeconds,
      double quietMinutes,
      int writers,
      int partitions,
      String deadAfter) {
    List<Long> sorted = new ArrayList<>(r.failoverMillis);
    sorted.sort(Long::compare);
    StringBuilder b = new StringBuilder();
    b.append("# Floe failover benchmark\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%s, %d cores, Java %s. Three data nodes and two control planes as separate processes,"
                + " etcd and S3 (S3Proxy over HTTP) on this machine; table of %d partitions with 3"
                + " replicas, durability replicated; %d writer threads (blocking puts); failure"
                + " detector: heartbeats every 200 ms, dead after %s. Each kill: `kill -9` of the"
                + " leader of a random partition; measured: kill to the first write acknowledged on"
                + " every partition it led (the slowest of them). The node is restarted and re-added"
                + " before the next kill. The first kill comes after %d s of writes (warm-up).%n%n",
            Instant.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            partitions,
            writers,
            deadAfter,
            warmupSeconds));
    b.append(
        "| leader kills | kill → first write acknowledged p50 / p99 / max (ms) | writes acknowledged | lost | failed (not acknowledged) |\n");
    b.append("|---:|---:|---:|---:|---:|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| %d | %d / %d / %d | %,d | %d | %,d |%n%n",
            sorted.size(),
            pct(sorted, 0.50),
            pct(sorted, 0.99),
            sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
            r.acked,
            r.lost,
            r.failedWrites));
    b.append(
        String.format(
            Locale.ROOT,
            "No fault for %.1f min at full write load (%,d writes acknowledged): %d failovers"
                + " started (false failovers).%n%n",
            r.quietMinutes,
            r.quietAcked,
            r.falseFailovers));
    b.append("Per kill (ms): ").append(r.failoverMillis).append("\n");
    return b.toString();
  }

  private static long pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
