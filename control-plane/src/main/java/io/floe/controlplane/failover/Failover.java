package io.floe.controlplane.failover;

import io.floe.controlplane.ClusterConfig;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.controlplane.ops.OpType;
import io.floe.controlplane.ops.Operation;
import io.floe.controlplane.ops.OperationEngine;
import io.floe.controlplane.ops.OperationStore;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic failover (issue 10 §3): with {@code auto_failover} on, every partition whose leader is
 * dead, or stands by after a restart (replication.md §7.4), gets a {@code ChangeLeader} operation,
 * and every replica on a node that came back gets a {@code ReAddReplica} that follows its catch-up.
 * It reconciles rather than reacts: each pass compares the desired state with what the detector and
 * the nodes say, so a control plane that took over mid-way finds the same work.
 */
public final class Failover {
  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

  private final MetaStore store;
  private final MetaKeys keys;
  private final NodeMonitor monitor;
  private final OperationEngine engine;
  private final OperationStore ops;
  private final ClusterConfig config;
  private boolean selfSuspectedLogged;
  private final java.util.concurrent.atomic.AtomicLong deaths =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong failovers =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong rebalances =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * After a rebalancing hand-over failed (its target did not catch up while writes were stopped),
   * no leader is moved for this long: each try stops the partition's writes for the node's
   * hand-over timeout, so trying again at once would all but stop them.
   */
  static final java.time.Duration REBALANCE_BACKOFF = java.time.Duration.ofSeconds(30);

  private volatile long lastRebalanceOp = -1;
  private volatile int unreadable;
  private volatile long rebalanceFailedAtMs; // 0: none yet

  public Failover(
      MetaStore store,
      MetaKeys keys,
      NodeMonitor monitor,
      OperationEngine engine,
      OperationStore ops,
      ClusterConfig config) {
    this.store = store;
    this.keys = keys;
    this.monitor = monitor;
    this.engine = engine;
    this.ops = ops;
    this.config = config;
  }

  /** One heartbeat of the leader: detect, then start what the changes call for. */
  public void heartbeat() {
    ClusterView view = ClusterView.read(store, keys);
    unreadable = view.unreadable().size();
    List<NodeMonitor.Change> changes = monitor.tick(view.nodes());
    if (monitor.selfSuspected() && !selfSuspectedLogged) {
      LOG.warn(
          "most data nodes stopped answering heartbeats at once: this control plane suspects itself"
              + " (paused, starved or cut off) and leaves those nodes to their etcd leases");
    }
    selfSuspectedLogged = monitor.selfSuspected();
    for (NodeMonitor.Change c : changes) {
      LOG.warn("node {} is {}: {}", c.node(), c.alive() ? "alive" : "dead", c.why());
      if (!c.alive()) {
        deaths.incrementAndGet();
      }
    }
    if (!config.autoFailover()) {
      return;
    }
    List<Operation> open = ops.open().stream().map(OperationStore.Stored::op).toList();
    // A node being taken offline hands its leaderships over itself while it serves: fencing them
    // here, the moment it is marked, would seal its WAL stream under every partition it leads.
    Set<String> goingOffline =
        open.stream()
            .filter(o -> o.type() == OpType.OfflineEndpoint && o.param("endpoint") != null)
            .map(o -> o.param("endpoint"))
            .collect(java.util.stream.Collectors.toSet());
    for (Assigned assigned : view.allAssignments()) {
      PartitionAssignment a = assigned.assignment();
      Optional<CatalogTable> table = view.table(a.tableId());
      if (table.isEmpty() || a.replicas().size() < 2) {
        continue;
      }
      String name = table.get().fullName();
      List<Operation> here = open.stream().filter(o -> o.touches(name, a.partition())).toList();
      String why = leaderless(view, a, goingOffline);
      if (here.stream().anyMatch(o -> o.type().movesLeaders())
          || (why == null && !here.isEmpty())) {
        continue;
      }
      if (why != null) {
        // A catch-up in progress does not hold a leaderless partition: the failover runs beside it.
        if (!here.isEmpty()) {
          LOG.info("partition {} of {}: failing over beside {}", a.partition(), name, here);
        }
        failovers.incrementAndGet();
        Map<String, String> params = new java.util.HashMap<>();
        params.put("reason", why);
        params.put(OperationEngine.AUTO, OperationEngine.FAILOVER);
        // The term it moves to, fixed now: its first tasks need not be stored before they run.
        params.put("term", Long.toString(a.term() + 1));
        if (!monitor.alive(a.leader())) {
          params.put("dead", a.leader());
        } else if (isolated(view, a)) {
          // It answers the control plane but not its followers: asked, it would be the most
          // advanced and lead the new term, cut off as before.
          params.put("isolated", a.leader());
        }
        engine.submit(OpType.ChangeLeader, name, a.partition(), params);
        continue;
      }
      for (NodeMonitor.Change c : changes) {
        if (c.alive() && !c.node().equals(a.leader()) && a.replicaOn(c.node()).isPresent()) {
          engine.submit(OpType.ReAddReplica, name, a.partition(), Map.of("endpoint", c.node()));
        }
      }
    }
    if (open.isEmpty() && changes.isEmpty() && config.autoRebalance()) {
      rebalance(view);
    }
  }

  /**
   * Once the cluster is whole and quiet (no operation open, every node alive, every replica serving
   * in its partition's term), moves one leadership from the node that leads the most replicated
   * partitions to the one that leads the fewest, when they differ by two or more, by a cooperative
   * hand-over: a node that came back after a failover gets its share of leaders again (OpenMLDB's
   * {@code recoverendpoint} restores them only when asked). One move per heartbeat, each an
   * operation like any other.
   */
  private void rebalance(ClusterView view) {
    if (monitor.selfSuspected() || backingOff()) {
      return;
    }
    Map<String, Integer> leading = new java.util.TreeMap<>();
    for (String node : view.nodes().keySet()) {
      if (!monitor.alive(node)) {
        return;
      }
      leading.put(node, 0);
    }
    List<Assigned> replicated = new java.util.ArrayList<>();
    for (Assigned assigned : view.allAssignments()) {
      PartitionAssignment a = assigned.assignment();
      if (view.table(a.tableId()).isEmpty() || a.replicas().size() < 2) {
        continue;
      }
      for (PartitionAssignment.Replica r : a.replicas()) {
        if (!leading.containsKey(r.node())
            || view.markedNotAlive(a.tableId(), a.partition(), r.node())
            || !view.report(r.node(), a.tableId(), a.partition())
                .map(
                    rep ->
                        rep.term() == a.term()
                            && rep.state() == io.floe.core.partition.PartitionState.NORMAL)
                .orElse(false)) {
          return; // not whole yet: a replica away, loading or behind a term
        }
      }
      leading.merge(a.leader(), 1, Integer::sum);
      replicated.add(assigned);
    }
    String most = null;
    String fewest = null;
    for (Map.Entry<String, Integer> e : leading.entrySet()) {
      if (most == null || e.getValue() > leading.get(most)) {
        most = e.getKey();
      }
      if (fewest == null || e.getValue() < leading.get(fewest)) {
        fewest = e.getKey();
      }
    }
    if (most == null || leading.get(most) - leading.get(fewest) < 2) {
      return;
    }
    for (Assigned assigned : replicated) {
      PartitionAssignment a = assigned.assignment();
      if (a.leader().equals(most) && a.replicaOn(fewest).isPresent()) {
        String name = view.table(a.tableId()).orElseThrow().fullName();
        rebalances.incrementAndGet();
        LOG.info(
            "rebalancing leaders: {} leads {}, {} leads {}; handing partition {} of {} over to {}",
            most,
            leading.get(most),
            fewest,
            leading.get(fewest),
            a.partition(),
            name,
            fewest);
        lastRebalanceOp =
            engine
                .submit(
                    OpType.ChangeLeader,
                    name,
                    a.partition(),
                    Map.of(
                        "endpoint",
                        fewest,
                        "reason",
                        "rebalance: "
                            + most
                            + " leads "
                            + leading.get(most)
                            + ", "
                            + fewest
                            + " leads "
                            + leading.get(fewest)))
                .id();
        return;
      }
    }
  }

  /**
   * Whether the last rebalancing hand-over failed less than {@link #REBALANCE_BACKOFF} ago. Its
   * operation is read until it ends, then only its outcome is kept.
   */
  private boolean backingOff() {
    long id = lastRebalanceOp;
    if (id >= 0) {
      Optional<Operation> last = ops.get(id).map(OperationStore.Stored::op);
      if (last.isEmpty() || last.get().status().ended()) {
        lastRebalanceOp = -1;
        if (last.isPresent() && last.get().status() == io.floe.controlplane.ops.OpStatus.failed) {
          rebalanceFailedAtMs = last.get().endTimeMs().orElse(System.currentTimeMillis());
        }
      }
    }
    return System.currentTimeMillis() - rebalanceFailedAtMs < REBALANCE_BACKOFF.toMillis();
  }

  /** ChangeLeader operations started to balance leaders since this control plane started. */
  public long rebalances() {
    return rebalances.get();
  }

  /**
   * Values in etcd that did not parse at this control plane's last heartbeat as leader: what they
   * name is left as it was, neither failed over nor released, until someone writes a good value.
   */
  public int unreadable() {
    return unreadable;
  }

  /** Nodes declared dead by this control plane since it started. */
  public long deaths() {
    return deaths.get();
  }

  /** ChangeLeader operations started by automatic failover since this control plane started. */
  public long failovers() {
    return failovers.get();
  }

  /** Why the partition has no serving leader, or null when it has one (or may soon). */
  private String leaderless(ClusterView view, PartitionAssignment a, Set<String> goingOffline) {
    if (!monitor.alive(a.leader())) {
      return "leader " + a.leader() + " is dead";
    }
    if (view.markedNotAlive(a.tableId(), a.partition(), a.leader())
        && !goingOffline.contains(a.leader())
        && a.replicas().stream()
            .anyMatch(
                r ->
                    !r.node().equals(a.leader())
                        && monitor.alive(r.node())
                        && !view.markedNotAlive(a.tableId(), a.partition(), r.node()))) {
      return "leader " + a.leader() + " is marked not alive";
    }
    Optional<PartitionReport> r = view.report(a.leader(), a.tableId(), a.partition());
    if (r.isPresent() && r.get().standsByIn(a.term())) {
      return "leader " + a.leader() + " restarted and stands by (its memory is gone)";
    }
    if (r.isPresent() && r.get().suspendedIn(a.term())) {
      // Only a later term gives it writes back. Its node is alive and answers: the fence asks it
      // too, and it leads the new term itself (it holds every acknowledged write), so its WAL
      // stream is not sealed under the other partitions it leads.
      return "leader "
          + a.leader()
          + " lost its etcd lease in term "
          + a.term()
          + " and takes no writes until a later term";
    }
    if (isolated(view, a)) {
      return "leader "
          + a.leader()
          + " has heard from too few of its followers to make a majority in term "
          + a.term()
          + " (cut off from them)";
    }
    return null;
  }

  /**
   * Whether the leader reports itself cut off from its followers (replication.md §2, {@code
   * isolated}) while enough of the other replicas live to make a majority without it: they can be
   * prepared and one of them lead. With fewer, moving the partition could not help.
   */
  private boolean isolated(ClusterView view, PartitionAssignment a) {
    Optional<PartitionReport> r = view.report(a.leader(), a.tableId(), a.partition());
    if (r.isEmpty() || !r.get().isolatedIn(a.term())) {
      return false;
    }
    int n = a.replicas().size();
    long others =
        a.replicas().stream()
            .map(PartitionAssignment.Replica::node)
            .filter(x -> !x.equals(a.leader()) && monitor.alive(x) && view.nodes().containsKey(x))
            .count();
    return others >= n - n / 2;
  }
}
