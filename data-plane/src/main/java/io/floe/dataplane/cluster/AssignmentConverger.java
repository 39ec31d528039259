package io.floe.dataplane.cluster;

import io.floe.core.partition.PartitionState;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.replication.ReplicaLog;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignment.Replica;
import io.floe.storage.cluster.PartitionAssignment.ReplicaRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the replicas hosted on this node in line with the {@link DesiredState}: hosts every
 * assigned replica of an active table (leader in the assigned term, or follower of the leader's
 * endpoint), changes roles when terms change, and releases replicas no longer assigned here or of
 * dropped tables. Level-triggered and idempotent: it compares the whole desired state with what is
 * hosted, so running it twice, or after missed events, gives the same result.
 *
 * <p>Loading (from S3) runs on a bounded pool, several replicas at once; every state change runs on
 * the cluster agent's single thread, where the end of each load is reported back. A replica is
 * installed {@code LOADING} when its load starts and no second load of it starts before the first
 * ends; one released while loading is dropped again when its load ends, so it never comes back. A
 * replica whose load failed stays installed, offline with the reason, and is loaded again only on
 * {@link #retryFailed} (the agent's back-off) or when its assignment changes.
 *
 * <p>Only tables it created are touched: tables made through the {@code CREATE_TABLE} seam stay.
 */
final class AssignmentConverger {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentConverger.class);

  private final String nodeId;
  private final TableHosting hosting;
  private final TableRegistry registry;
  private final Executor loads;
  private final Executor agent;
  private final Runnable loadEnded;
  private final Set<String> managedTables = new HashSet<>();
  private final Replication replication;

  /** Replicas assigned here, by {@code tid/pid}, in key order, as of the last run. */
  private volatile Map<String, AssignedReplica> assigned = new TreeMap<>();

  /** Replicas whose load is running, by {@code tid/pid}. */
  private final Map<String, Partition> loading = new HashMap<>();

  /** Replicas whose last load failed, by {@code tid/pid}: the assignment and the reason. */
  private final Map<String, Failure> failures = new HashMap<>();

  private boolean retryingFailed;

  /**
   * @param loads where replicas load (a bounded pool)
   * @param agent the agent's thread, which every state change (and this class) runs on
   * @param loadEnded called on the agent's thread after each load ends, to converge again
   */
  AssignmentConverger(
      String nodeId,
      TableHosting hosting,
      TableRegistry registry,
      Executor loads,
      Executor agent,
      Runnable loadEnded) {
    this.nodeId = nodeId;
    this.hosting = hosting;
    this.registry = registry;
    this.loads = loads;
    this.agent = agent;
    this.loadEnded = loadEnded;
    this.replication = hosting.replication();
  }

  Map<String, AssignedReplica> assigned() {
    return assigned;
  }

  /** True while some assigned replica's last load failed. */
  boolean anyFailed() {
    return assigned.values().stream().anyMatch(r -> r.error().isPresent());
  }

  /** True while some load runs. */
  boolean anyLoading() {
    return !loading.isEmpty();
  }

  /** Converges, loading again every replica whose last load failed. */
  void retryFailed(DesiredState desired) {
    retryingFailed = true;
    try {
      converge(desired);
    } finally {
      retryingFailed = false;
    }
  }

  void converge(DesiredState desired) {
    Map<Long, CatalogTable> active = new HashMap<>();
    for (CatalogTable t : desired.tables()) {
      if (t.state() == TableState.ACTIVE) {
        active.put(t.tid(), t);
      }
    }
    Map<String, List<PartitionAssignment>> byTable = new HashMap<>();
    for (PartitionAssignment a : desired.assignments()) {
      CatalogTable t = active.get(a.tableId());
      if (t != null && a.partition() < t.partitions()) {
        byTable.computeIfAbsent(t.fullName(), n -> new ArrayList<>()).add(a);
      }
    }
    release(active, byTable);
    Map<String, AssignedReplica> next = new TreeMap<>();
    for (Map.Entry<String, List<PartitionAssignment>> e : byTable.entrySet()) {
      CatalogTable definition = active.get(e.getValue().get(0).tableId());
      hostTable(definition, e.getValue(), desired, next);
    }
    failures.keySet().retainAll(next.keySet());
    assigned = next;
  }

  /** Releases replicas of this node that the desired state no longer puts here. */
  private void release(
      Map<Long, CatalogTable> active, Map<String, List<PartitionAssignment>> byTable) {
    for (String name : List.copyOf(managedTables)) {
      HostedTable hosted = findHosted(name);
      if (hosted == null) {
        managedTables.remove(name);
        continue;
      }
      CatalogTable definition = active.get(hosted.tableId());
      boolean sameTable = definition != null && definition.fullName().equals(name);
      Set<Integer> wanted = new HashSet<>();
      if (sameTable) {
        for (PartitionAssignment a : byTable.getOrDefault(name, List.of())) {
          if (a.replicaOn(nodeId).isPresent()) {
            wanted.add(a.partition());
          }
        }
      }
      for (int pid = 0; pid < hosted.partitionCount(); pid++) {
        if (hosted.partitionOrNull(pid) != null && !wanted.contains(pid)) {
          LOG.info("releasing partition {} of {} (tid {})", pid, name, hosted.tableId());
          hosting.releasePartition(hosted, pid);
        }
      }
      if (hosted.holdsNoPartition()) {
        registry.remove(hosted);
        managedTables.remove(name);
      }
    }
  }

  private void hostTable(
      CatalogTable definition,
      List<PartitionAssignment> assignments,
      DesiredState desired,
      Map<String, AssignedReplica> next) {
    List<PartitionAssignment> mine =
        assignments.stream().filter(a -> a.replicaOn(nodeId).isPresent()).toList();
    if (mine.isEmpty()) {
      return;
    }
    HostedTable hosted;
    try {
      hosted = hosting.host(definition);
      managedTables.add(definition.fullName());
    } catch (RuntimeException e) {
      LOG.error("cannot host table {}: {}", definition.fullName(), e.getMessage());
      mine.forEach(a -> next.put(key(a), failed(definition, a, e)));
      return;
    }
    for (PartitionAssignment a : assignments) {
      hosted.setLeaderHint(a.partition(), desired.endpointOf(a.leader()));
    }
    for (PartitionAssignment a : mine) {
      try {
        next.put(key(a), hostReplica(hosted, definition, a, desired));
      } catch (RuntimeException e) {
        // One replica that cannot be created must not keep the rest of the pass from running.
        LOG.error(
            "cannot host partition {} of {}: {}",
            a.partition(),
            definition.fullName(),
            e.toString());
        next.put(key(a), failed(definition, a, e));
      }
    }
  }

  private AssignedReplica hostReplica(
      HostedTable hosted, CatalogTable definition, PartitionAssignment a, DesiredState desired) {
    String key = key(a);
    AssignedReplica ok = new AssignedReplica(definition.fullName(), a, Optional.empty());
    if (loading.containsKey(key)) {
      return ok; // its role follows the assignment once the load ends
    }
    Partition p = hosted.partitionOrNull(a.partition());
    if (p != null && p.role().state() != PartitionState.OFFLINE) {
      if (promotes(p, a)) {
        return promote(hosted, definition, a, p);
      }
      applyRole(p, a, desired);
      return ok;
    }
    Failure failure = failures.get(key);
    if (p != null && failure != null && failure.assignment().equals(a) && !retryingFailed) {
      return new AssignedReplica(definition.fullName(), a, Optional.of(failure.reason()));
    }
    return startLoad(hosted, definition, a, desired);
  }

  private AssignedReplica startLoad(
      HostedTable hosted, CatalogTable definition, PartitionAssignment a, DesiredState desired) {
    String key = key(a);
    failures.remove(key);
    Partition p = hosting.installPartition(hosted, a.partition(), q -> initialRole(q, a, desired));
    if (p.role().role() == io.floe.core.partition.PartitionRole.LEADER
        && Replication.logOf(p) != null) {
      Replication.logOf(p).markFreshLeaderStart();
    }
    loading.put(key, p);
    try {
      loads.execute(() -> load(hosted, definition, a, p));
    } catch (RejectedExecutionException e) {
      loading.remove(key); // closing
    }
    return new AssignedReplica(definition.fullName(), a, Optional.empty());
  }

  /**
   * A follower of a replicated table named leader of a newer term: it becomes leader only through a
   * load that seals the old leader's stream and carries over what it holds (replication.md §7.2) —
   * in place, keeping its memory, unless it is behind the partition's manifest.
   */
  private boolean promotes(Partition p, PartitionAssignment a) {
    Replica replica = a.replicaOn(nodeId).orElseThrow();
    return replica.role() == ReplicaRole.LEADER
        && (a.term() > p.role().term() || (a.term() == p.role().term() && !p.role().standingBy()))
        && p.role().role() != io.floe.core.partition.PartitionRole.LEADER
        && Replication.logOf(p) != null;
  }

  private AssignedReplica promote(
      HostedTable hosted, CatalogTable definition, PartitionAssignment a, Partition p) {
    String key = key(a);
    LOG.info(
        "partition {} of {}: promoted to leader of term {} at offset {}",
        a.partition(),
        definition.fullName(),
        a.term(),
        p.offset());
    failures.remove(key);
    ReplicaLog log = Replication.logOf(p);
    a.handover().ifPresent(log::handOverPoint);
    log.markPromoted();
    p.markLoading();
    p.becomeLeader(a.term());
    loading.put(key, p);
    try {
      loads.execute(() -> load(hosted, definition, a, p));
    } catch (RejectedExecutionException e) {
      loading.remove(key); // closing
    }
    return new AssignedReplica(definition.fullName(), a, Optional.empty());
  }

  /** On the loading pool: fills the replica, then reports back on the agent's thread. */
  private void load(
      HostedTable hosted, CatalogTable definition, PartitionAssignment a, Partition p) {
    String reason = null;
    try {
      hosting.loadPartition(hosted, p);
    } catch (RuntimeException e) {
      reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.error("cannot host partition {} of {}: {}", a.partition(), definition.fullName(), reason);
    }
    String failed = reason;
    try {
      agent.execute(() -> loadEnded(hosted, a, p, failed));
    } catch (RejectedExecutionException e) {
      // the agent is closing: nothing to converge any more
    }
  }

  private void loadEnded(HostedTable hosted, PartitionAssignment a, Partition p, String reason) {
    String key = key(a);
    loading.remove(key);
    if (hosted.partitionOrNull(a.partition()) != p) {
      // Released while it loaded: give back what the load filled in; it does not come back.
      p.drop();
    } else if (reason != null) {
      failures.put(key, new Failure(a, reason));
    }
    loadEnded.run();
  }

  /** The role a new replica starts loading in: the assignment's, as it says. */
  private void initialRole(Partition p, PartitionAssignment a, DesiredState desired) {
    Replica replica = a.replicaOn(nodeId).orElseThrow();
    if (replica.role() == ReplicaRole.LEADER) {
      p.becomeLeader(a.term());
    } else {
      p.becomeFollower(a.term(), desired.endpointOf(a.leader()));
    }
  }

  private void applyRole(Partition p, PartitionAssignment a, DesiredState desired) {
    if (p == null) {
      return;
    }
    long current = p.role().term();
    if (a.term() < current) {
      LOG.warn(
          "ignoring assignment of partition {} of tid {} in term {}: the replica is in term {}",
          a.partition(),
          a.tableId(),
          a.term(),
          current);
      return;
    }
    Replica replica = a.replicaOn(nodeId).orElseThrow();
    if (replica.role() == ReplicaRole.LEADER) {
      if (Replication.logOf(p) != null
          && p.role().role() != io.floe.core.partition.PartitionRole.LEADER) {
        return; // a replicated follower leads only through a promotion (or stands by)
      }
      p.becomeLeader(a.term());
      if (replication != null && p.role().state() == PartitionState.NORMAL) {
        Map<String, String> followers = new TreeMap<>();
        for (Replica r : a.replicas()) {
          if (!r.node().equals(nodeId)) {
            followers.put(r.node(), desired.endpointOf(r.node()));
          }
        }
        replication.lead(p, followers);
      }
    } else {
      p.becomeFollower(a.term(), desired.endpointOf(a.leader()));
      if (replication != null) {
        replication.stopLeading(p, a.term());
      }
    }
  }

  private HostedTable findHosted(String name) {
    for (HostedTable t : registry.all()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Why the last load of a replica failed, under which assignment. */
  private record Failure(PartitionAssignment assignment, String reason) {}

  private static AssignedReplica failed(
      CatalogTable definition, PartitionAssignment a, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new AssignedReplica(definition.fullName(), a, Optional.of(message));
  }

  static String key(PartitionAssignment a) {
    return a.tableId() + "/" + a.partition();
  }
}
