package io.floe.loadtests.chaos;

import static io.floe.core.table.Durability.MEMORY;

import io.floe.client.control.ControlClient;
import io.floe.client.control.Operation;
import io.floe.client.control.TableView;
import io.floe.testsupport.net.TcpProxy;
import io.floe.testsupport.process.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Injects one fault at a time into a {@link ChaosCluster} under a running {@link Workload}, heals
 * it, and waits until the cluster is whole again before the next: every replica normal and alive,
 * no operation open. Each fault is recorded as a {@link FaultEvent} with what it hit and, where it
 * moves leaders, the failover time: from the fault to the first write acknowledged on every
 * partition the victim led (a write invoked after the fault, so one the victim acknowledged as it
 * went down does not count).
 */
final class Faults {
  /** How long a fault that takes a node away may take to be failed over. */
  static final Duration FAILOVER_LIMIT = Duration.ofSeconds(60);

  /** How long the cluster may take to be whole again after a fault is healed. */
  static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

  /** How long an S3 or etcd fault lasts. */
  static final Duration OUTAGE = Duration.ofSeconds(3);

  /**
   * One injected fault.
   *
   * @param startSec when it was injected (seconds since the run started)
   * @param healSec when it was healed (the node restarted or resumed, the link or S3 healed)
   * @param wholeSec when the cluster was whole again, NaN if it never was within the limit
   * @param failoverMs fault to the first write acknowledged on every partition the victim led; -1
   *     where no leader moves
   * @param problem what went wrong (no failover within the limit, the cluster not whole again), or
   *     null
   */
  record FaultEvent(
      FaultKind kind,
      String target,
      double startSec,
      double healSec,
      double wholeSec,
      long failoverMs,
      String problem) {}

  private final ChaosCluster cluster;
  private final ControlClient control;
  private final Workload workload;
  private final List<String> tables;
  private final long originNanos;
  private final Random random;
  private final Duration leaseTtl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  Faults(
      ChaosCluster cluster,
      ControlClient control,
      Workload workload,
      List<String> tables,
      long originNanos,
      long seed,
      Duration leaseTtl) {
    this.cluster = cluster;
    this.control = control;
    this.workload = workload;
    this.tables = List.copyOf(tables);
    this.originNanos = originNanos;
    this.random = new Random(seed);
    this.leaseTtl = leaseTtl;
  }

  private double now() {
    return (System.nanoTime() - originNanos) / 1e9;
  }

  /** Injects {@code kind}, heals it and waits for the cluster to be whole; never throws. */
  FaultEvent inject(FaultKind kind) throws InterruptedException {
    cluster.s3().resetCount(); // the front keeps every request line: keep it short on long runs
    try {
      return switch (kind) {
        case KILL_LEADER -> nodeDown(kind, Down.KILL);
        case PAUSE_NODE -> nodeDown(kind, Down.PAUSE);
        case CUT_NODE -> nodeDown(kind, Down.CUT);
        case CUT_NODE_ETCD -> nodeDown(kind, Down.CUT_ETCD);
        case CUT_LEADER_FOLLOWERS -> nodeDown(kind, Down.CUT_PEERS);
        case KILL_FOLLOWER -> killFollower();
        case KILL_CONTROL_PLANE -> killControlPlane();
        case RESTART_ETCD -> restartEtcd();
        case S3_ERRORS -> s3Outage(kind, () -> cluster.s3().failAll(500, "InternalError"));
        case S3_THROTTLE -> s3Outage(kind, () -> cluster.s3().failAll(503, "SlowDown"));
        case S3_SLOW -> s3Outage(kind, () -> cluster.s3().delayNext(200, Duration.ofMillis(800)));
        case S3_LOST_RESPONSES -> s3Outage(kind, () -> cluster.s3().loseResponseNext(40));
      };
    } catch (RuntimeException e) {
      // The harness itself must go on: heal what can be healed, and say what happened.
      healEverything();
      double t = now();
      return new FaultEvent(kind, "?", t, t, awaitWhole(), -1, "harness error: " + e);
    }
  }

  private enum Down {
    KILL,
    PAUSE,
    CUT,
    CUT_ETCD,
    CUT_PEERS
  }

  /** Takes a leader node away in one of four ways, waits for the failover, brings it back. */
  private FaultEvent nodeDown(FaultKind kind, Down how) throws InterruptedException {
    Map<String, Set<Workload.TablePartition>> leading = leadership();
    if (how == Down.CUT_PEERS) {
      // A memory table's leader acknowledges on apply, cut off or not: the failover shows on the
      // tables whose writes need a follower.
      leading.values().forEach(s -> s.removeIf(p -> ChaosRun.TABLES.get(p.table()) == MEMORY));
    }
    List<String> leaders = new ArrayList<>();
    leading.forEach(
        (node, led) -> {
          if (!led.isEmpty()) {
            leaders.add(node);
          }
        });
    String victim = leaders.get(random.nextInt(leaders.size()));
    Set<Workload.TablePartition> led = leading.get(victim);
    ChaosCluster.Node node = cluster.node(victim);
    double start = now();
    long startNanos = System.nanoTime();
    switch (how) {
      case KILL -> node.process().kill();
      case PAUSE -> node.process().pause();
      case CUT -> node.front().blackhole();
      case CUT_ETCD -> node.etcdLinks().forEach(TcpProxy::blackhole);
      case CUT_PEERS -> cutFromPeers(node);
    }
    if (how == Down.CUT_ETCD) {
      // The node serves until its lease runs out, and rightly: hold the cut past it, so that the
      // lease is lost and the partitions move, then check that writes flow on them. No failover
      // time: the gap is the lease's, and shows on the plots.
      Thread.sleep(leaseTtl.toMillis() + OUTAGE.toMillis());
    }
    // Armed once the fault took effect: a write the victim acknowledged while it went down (a
    // SIGSTOP lands a moment after it is sent) is no failover.
    workload.arm();
    java.util.OptionalLong firstAcks = workload.awaitFirstAcks(led, FAILOVER_LIMIT);
    long failoverNanos = firstAcks.isEmpty() ? -1 : firstAcks.getAsLong() - startNanos;
    String problem = null;
    if (firstAcks.isEmpty()) {
      problem = "no write acknowledged on " + led + " within " + FAILOVER_LIMIT.toSeconds() + " s";
      dump(led);
    }
    switch (how) {
      case KILL -> node.process().start();
      case PAUSE -> node.process().resume();
      case CUT -> node.front().heal();
      case CUT_ETCD -> node.etcdLinks().forEach(TcpProxy::heal);
      case CUT_PEERS -> cluster.nodes().values().forEach(n -> n.front().heal());
    }
    double healed = now();
    double whole = awaitWhole();
    return new FaultEvent(
        kind,
        victim,
        start,
        healed,
        whole,
        firstAcks.isEmpty() || how == Down.CUT_ETCD ? -1 : failoverNanos / 1_000_000,
        problem != null ? problem : Double.isNaN(whole) ? notWhole() : null);
  }

  /** Blackholes the links between {@code victim} and every other data node, both ways. */
  private void cutFromPeers(ChaosCluster.Node victim) {
    for (ChaosCluster.Node other : cluster.nodes().values()) {
      if (!other.id().equals(victim.id())) {
        other.front().blackholeFrom(victim.peerSource());
        victim.front().blackholeFrom(other.peerSource());
      }
    }
  }

  /**
   * Hands a node's leaderships over ({@code offlineendpoint}), kills it, restarts it and gives its
   * replicas back ({@code recoverendpoint}); the rebalancer then returns its share of leaders.
   */
  private FaultEvent killFollower() throws InterruptedException {
    List<String> ids = new ArrayList<>(cluster.nodes().keySet());
    String victim = ids.get(random.nextInt(ids.size()));
    ChaosCluster.Node node = cluster.node(victim);
    Operation off = control.awaitOperation(control.offlineEndpoint(victim), Duration.ofMinutes(2));
    String problem =
        Operation.DONE.equals(off.status())
            ? null
            : "offlineendpoint " + off.status() + ": " + off.reason();
    double start = now();
    node.process().kill();
    Thread.sleep(OUTAGE.toMillis()); // writes go on without it: the time it is away
    node.process().start();
    Operation back = control.awaitOperation(control.recoverEndpoint(victim), Duration.ofMinutes(3));
    if (problem == null && !Operation.DONE.equals(back.status())) {
      problem = "recoverendpoint " + back.status() + ": " + back.reason();
    }
    double healed = now();
    double whole = awaitWhole();
    return new FaultEvent(
        FaultKind.KILL_FOLLOWER,
        victim,
        start,
        healed,
        whole,
        -1,
        problem != null ? problem : Double.isNaN(whole) ? notWhole() : null);
  }

  /** Kills the leading control plane; the failover time is the other one's takeover. */
  private FaultEvent killControlPlane() throws InterruptedException {
    NodeProcess leader = leadingControlPlane(Duration.ofSeconds(30));
    if (leader == null) {
      double t = now();
      return new FaultEvent(
          FaultKind.KILL_CONTROL_PLANE, "?", t, t, awaitWhole(), -1, "no control plane leads");
    }
    double start = now();
    long killed = System.nanoTime();
    leader.kill();
    NodeProcess next = leadingControlPlane(FAILOVER_LIMIT);
    long takeoverMs = next == null ? -1 : (System.nanoTime() - killed) / 1_000_000;
    leader.start();
    double healed = now();
    double whole = awaitWhole();
    return new FaultEvent(
        FaultKind.KILL_CONTROL_PLANE,
        "control plane :" + leader.port(),
        start,
        healed,
        whole,
        takeoverMs,
        next == null
            ? "no control plane took over within " + FAILOVER_LIMIT.toSeconds() + " s"
            : Double.isNaN(whole) ? notWhole() : null);
  }

  private FaultEvent restartEtcd() throws InterruptedException {
    int member = random.nextInt(cluster.etcd().members().size());
    double start = now();
    cluster.etcd().kill(member);
    cluster.etcd().restart(member);
    double healed = now();
    double whole = awaitWhole();
    return new FaultEvent(
        FaultKind.RESTART_ETCD,
        "etcd member " + (member + 1),
        start,
        healed,
        whole,
        -1,
        Double.isNaN(whole) ? notWhole() : null);
  }

  private FaultEvent s3Outage(FaultKind kind, Runnable fault) throws InterruptedException {
    double start = now();
    fault.run();
    Thread.sleep(OUTAGE.toMillis());
    cluster.s3().heal();
    double healed = now();
    double whole = awaitWhole();
    return new FaultEvent(
        kind, "s3", start, healed, whole, -1, Double.isNaN(whole) ? notWhole() : null);
  }

  /** Where the partitions of {@code parts} stand and their last operations: for a stalled fault. */
  private void dump(Set<Workload.TablePartition> parts) {
    try {
      for (Workload.TablePartition p : parts) {
        TableView view = control.describeTable(p.table());
        System.out.println("  " + p.table() + " placement " + view.placement().get(p.pid()));
        List<Operation> ops = control.operations(p.table(), p.pid());
        ops.subList(0, Math.min(3, ops.size())).forEach(op -> System.out.println("    op " + op));
      }
    } catch (RuntimeException e) {
      System.out.println("  (cannot describe the stalled partitions: " + e + ")");
    }
  }

  /** Undoes every fault that can be undone: after a harness error, before the final check. */
  void healEverything() {
    cluster.s3().heal();
    for (ChaosCluster.Node n : cluster.nodes().values()) {
      n.front().heal();
      n.etcdLinks().forEach(TcpProxy::heal);
      try {
        if (n.process().isPaused()) {
          n.process().resume();
        }
        if (!n.process().isAlive()) {
          n.process().start();
        }
      } catch (RuntimeException e) {
        // the next wait for a whole cluster says so
      }
    }
    for (NodeProcess cp : cluster.controlPlanes()) {
      if (!cp.isAlive()) {
        try {
          cp.start();
        } catch (RuntimeException e) {
          // as above
        }
      }
    }
  }

  private static String notWhole() {
    return "the cluster was not whole again within " + RECOVERY_LIMIT.toMinutes() + " min";
  }

  /** Node → the partitions it leads, over every table of the run. */
  private Map<String, Set<Workload.TablePartition>> leadership() {
    Map<String, Set<Workload.TablePartition>> out = new java.util.TreeMap<>();
    cluster.nodes().keySet().forEach(n -> out.put(n, new LinkedHashSet<>()));
    for (String table : tables) {
      TableView view = control.describeTable(table);
      for (TableView.PartitionView p : view.placement()) {
        if (p.leader() != null && out.containsKey(p.leader())) {
          out.get(p.leader()).add(new Workload.TablePartition(table, p.pid()));
        }
      }
    }
    return out;
  }

  private NodeProcess leadingControlPlane(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      for (NodeProcess cp : cluster.controlPlanes()) {
        if (cp.isAlive() && leads(cp)) {
          return cp;
        }
      }
      Thread.sleep(20);
    }
    return null;
  }

  /** Whether control plane {@code cp} says it leads ({@code GET /health}, control-api.md §5). */
  private boolean leads(NodeProcess cp) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(cluster.url(cp) + "/health"))
            .timeout(Duration.ofMillis(500))
            .GET()
            .build();
    try {
      String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
      return body.replace(" ", "").contains("\"leader\":true");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * How long the cluster must stay whole before the next fault: a deposed node learns that its WAL
   * stream was sealed only at its next write or seal check (within 2 s when idle), then starts
   * again as a new incarnation — a cluster that looks whole a moment earlier is not.
   */
  static final Duration WHOLE_FOR = Duration.ofMillis(2500);

  /**
   * Waits until every replica of every table is normal and alive and no operation is open, and
   * stays so for {@link #WHOLE_FOR}; returns when that began (seconds since the run started), NaN
   * if not within {@link #RECOVERY_LIMIT}.
   */
  double awaitWhole() throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    double since = Double.NaN;
    long sinceNanos = 0;
    while (System.nanoTime() < deadline) {
      if (!whole()) {
        since = Double.NaN;
      } else if (Double.isNaN(since)) {
        since = now();
        sinceNanos = System.nanoTime();
      } else if (System.nanoTime() - sinceNanos >= WHOLE_FOR.toNanos()) {
        return since;
      }
      Thread.sleep(200);
    }
    return Double.NaN;
  }

  private boolean whole() {
    try {
      for (String table : tables) {
        List<Map<String, Object>> rows = control.getTableStatus(table);
        if (rows.isEmpty()
            || !rows.stream()
                .allMatch(
                    r ->
                        "normal".equals(String.valueOf(r.get("state")))
                            && "yes".equals(String.valueOf(r.get("is_alive"))))) {
          return false;
        }
        if (!control.operations(table, null).stream().allMatch(Operation::ended)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false; // a control plane busy or changing: ask again
    }
  }
}
