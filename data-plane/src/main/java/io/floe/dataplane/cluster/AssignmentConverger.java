package io.floe.dataplane.cluster;

import io.floe.core.catalog.CatalogTable;
import io.floe.core.catalog.TableState;
import io.floe.core.cluster.PartitionAssignment;
import io.floe.core.cluster.PartitionAssignment.Replica;
import io.floe.core.cluster.PartitionAssignment.ReplicaRole;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the replicas hosted on this node in line with the {@link DesiredState}: hosts every
 * assigned replica of an active table (leader in the assigned term, or follower of the leader's
 * endpoint), changes roles when terms change, and releases replicas no longer assigned here or of
 * dropped tables. Level-triggered and idempotent: it compares the whole desired state with what is
 * hosted, so running it twice, or after missed events, gives the same result. A replica that fails
 * to open is skipped (and retried on the next run) without holding up the others.
 *
 * <p>Only tables it created are touched: tables made through the {@code CREATE_TABLE} seam stay.
 * Runs on the cluster agent's single thread.
 */
final class AssignmentConverger {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentConverger.class);

  private final String nodeId;
  private final TableHosting hosting;
  private final TableRegistry registry;
  private final Set<String> managedTables = new HashSet<>();

  /** Replicas assigned here, by {@code tid/pid}, in key order, as of the last run. */
  private Map<String, AssignedReplica> assigned = new TreeMap<>();

  AssignmentConverger(String nodeId, TableHosting hosting, TableRegistry registry) {
    this.nodeId = nodeId;
    this.hosting = hosting;
    this.registry = registry;
  }

  Map<String, AssignedReplica> assigned() {
    return assigned;
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
        hosting.openPartition(hosted, a.partition(), p -> applyRole(p, a, desired));
        applyRole(hosted.partitionOrNull(a.partition()), a, desired);
        next.put(key(a), new AssignedReplica(definition.fullName(), a, Optional.empty()));
      } catch (RuntimeException e) {
        LOG.error(
            "cannot host partition {} of {}: {}",
            a.partition(),
            definition.fullName(),
            e.toString());
        next.put(key(a), failed(definition, a, e));
      }
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
      p.becomeLeader(a.term());
    } else {
      p.becomeFollower(a.term(), desired.endpointOf(a.leader()));
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

  private static AssignedReplica failed(
      CatalogTable definition, PartitionAssignment a, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new AssignedReplica(definition.fullName(), a, Optional.of(message));
  }

  static String key(PartitionAssignment a) {
    return a.tableId() + "/" + a.partition();
  }
}
