package io.floe.dataplane.cluster;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.replication.ReplicaLog;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes this node's report on every replica assigned to it ({@code status/{node}/{tid}/{pid}})
 * under the node's lease. Called once per status interval: it writes only the reports that changed
 * since they were last written and deletes those of replicas no longer assigned, so an idle node
 * costs etcd nothing. Runs on the cluster agent's thread.
 */
final class StatusPublisher {
  private final MetaStore store;
  private final MetaKeys keys;
  private final String nodeId;
  private final TableRegistry registry;
  private final Map<String, PartitionReport> published = new HashMap<>();

  StatusPublisher(MetaStore store, MetaKeys keys, String nodeId, TableRegistry registry) {
    this.store = store;
    this.keys = keys;
    this.nodeId = nodeId;
    this.registry = registry;
  }

  /** Forgets what was published: the next call writes every report again (new lease). */
  void reset() {
    published.clear();
  }

  void publish(Map<String, AssignedReplica> assigned, Lease lease) {
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, AssignedReplica> e : assigned.entrySet()) {
      AssignedReplica replica = e.getValue();
      PartitionReport report = report(replica);
      seen.add(e.getKey());
      if (!report.equals(published.get(e.getKey()))) {
        store.put(
            keys.partitionStatus(
                nodeId, replica.assignment().tableId(), replica.assignment().partition()),
            PartitionReportParser.toBytes(report),
            lease);
        published.put(e.getKey(), report);
      }
    }
    for (String gone : Set.copyOf(published.keySet())) {
      if (!seen.contains(gone)) {
        PartitionReport old = published.get(gone);
        store.delete(keys.partitionStatus(nodeId, old.tableId(), old.partition()));
        published.remove(gone);
      }
    }
  }

  private PartitionReport report(AssignedReplica replica) {
    long tid = replica.assignment().tableId();
    int pid = replica.assignment().partition();
    Partition p = hostedPartition(replica.table(), tid, pid);
    Optional<String> error = replica.error().or(() -> offlineReason(p));
    if (p == null || error.isPresent()) {
      return new PartitionReport(
          nodeId,
          tid,
          pid,
          PartitionRole.FOLLOWER,
          0,
          0,
          PartitionState.OFFLINE,
          0,
          0,
          false,
          Optional.of(error.orElse("not hosted")));
    }
    PartitionStatus s = p.status();
    return new PartitionReport(
        nodeId,
        tid,
        pid,
        s.role(),
        s.term(),
        s.offset(),
        s.state(),
        s.rowCount(),
        s.memoryBytes(),
        p.role().writable(),
        Optional.empty(),
        progress(p));
  }

  /** Replication progress of a replica of a replicated table (replication.md §10). */
  private static Optional<PartitionReport.ReplicaProgress> progress(Partition p) {
    ReplicaLog log = Replication.logOf(p);
    if (log == null) {
      return Optional.empty();
    }
    boolean leading = log.leading();
    String state = p.role().replicaState();
    if (state.equals("leading") && log.isolated(System.nanoTime())) {
      state = "isolated";
    }
    return Optional.of(
        new PartitionReport.ReplicaProgress(
            state,
            leading ? log.commitOffset() : 0,
            leading ? log.lag() : log.followerLag(),
            leading ? p.manifestVersion() : 0));
  }

  /** A replica kept offline after a failed load says why (recovery.md §4). */
  private static Optional<String> offlineReason(Partition p) {
    if (p == null || p.role().state() != PartitionState.OFFLINE) {
      return Optional.empty();
    }
    String reason = p.role().offlineReason();
    return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
  }

  private Partition hostedPartition(String table, long tid, int pid) {
    for (HostedTable t : registry.all()) {
      if (t.name().equals(table) && t.tableId() == tid) {
        return t.partitionOrNull(pid);
      }
    }
    return null;
  }
}
