package io.floe.client;

import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Response.Prepared;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.process.NodeProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Data nodes as separate JVMs joined to one cluster through a real etcd and S3, and the fencing
 * failover of replication.md §7.1 the way the control plane will run it: prepare the next term on
 * the surviving replicas, choose the highest (last term, offset), write the assignment.
 */
final class NodeProcesses implements AutoCloseable {
  private final String cluster;
  private final Map<String, NodeProcess> nodes = new HashMap<>();
  private final MetaStore store;
  private final AssignmentAdmin admin;

  /**
   * Starts one node per id.
   *
   * @param s3 the S3 settings ({@code S3Extension.settings()})
   * @param leaseTtl the nodes' etcd lease
   */
  NodeProcesses(
      String cluster,
      List<String> etcd,
      Map<String, String> s3,
      Duration leaseTtl,
      List<String> ids) {
    this.cluster = cluster;
    this.store = EtcdMetaStore.connect(MetaStoreConfig.of(etcd));
    this.admin = new AssignmentAdmin(store, cluster);
    for (String id : ids) {
      Map<String, String> settings = new HashMap<>(s3);
      settings.put(NodeConfig.NODE_ID, id);
      settings.put(MetaStoreConfig.ENDPOINTS, String.join(",", etcd));
      settings.put(ClusterSettings.CLUSTER, cluster);
      settings.put(ClusterSettings.LEASE_TTL, leaseTtl.toMillis() + "ms");
      settings.put(ClusterSettings.STATUS_INTERVAL, "100ms");
      settings.put("wal.flush-interval", "50ms");
      // Frequent snapshots keep each manifest's ranges and tail short: what a follower's fill
      // and a promotion read from S3 (with the default 256 MiB, thousands of small objects).
      settings.put("snapshot.wal-bytes", "1MiB");
      nodes.put(id, new NodeProcess(settings).start());
    }
  }

  NodeProcess node(String id) {
    return nodes.get(id);
  }

  String endpoint(String id) {
    return "127.0.0.1:" + nodes.get(id).port();
  }

  AssignmentAdmin admin() {
    return admin;
  }

  /**
   * Fails partition {@code pid} of {@code table} over from {@code dead}: every other replica is
   * prepared for the next term, the highest (last term, offset) leads it. Returns the new leader.
   */
  String failOver(String table, long tid, int pid, String dead) {
    PartitionAssignment current = admin.assignment(tid, pid);
    long term = current.term() + 1;
    String best = null;
    Prepared bestAnswer = null;
    for (PartitionAssignment.Replica r : current.replicas()) {
      if (r.node().equals(dead)) {
        continue;
      }
      Prepared p = prepare(r.node(), table, pid, term);
      if (bestAnswer == null
          || p.lastTerm() > bestAnswer.lastTerm()
          || (p.lastTerm() == bestAnswer.lastTerm()
              && p.appliedOffset() > bestAnswer.appliedOffset())) {
        best = r.node();
        bestAnswer = p;
      }
    }
    admin.moveLeader(tid, pid, best);
    return best;
  }

  /** PREPARE_TERM until the replica answers (it may still be loading). */
  Prepared prepare(String node, String table, int pid, long term) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e instanceof FloeRequestException)
        .until(
            () -> {
              try (NodeAdmin nodeAdmin = NodeAdmin.connect(endpoint(node))) {
                return Optional.of(nodeAdmin.prepareTerm(table, pid, term));
              }
            },
            Optional::isPresent)
        .orElseThrow();
  }

  /**
   * Waits until every replica of {@code pid} reports the assignment's term, the leader {@code
   * leading} with the manifest version it committed and the others {@code following}.
   */
  void awaitReplicasInTerm(long tid, int pid, Duration atMost) {
    MetaKeys keys = MetaKeys.forCluster(cluster);
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              PartitionAssignment a = admin.assignment(tid, pid);
              for (PartitionAssignment.Replica r : a.replicas()) {
                Optional<PartitionReport> report =
                    store
                        .get(keys.partitionStatus(r.node(), tid, pid))
                        .map(e -> PartitionReportParser.fromJson(e.value()));
                if (report.isEmpty()
                    || report.get().term() != a.term()
                    || report.get().replication().isEmpty()) {
                  return false;
                }
                String state = report.get().replication().get().replicaState();
                if (!state.equals(r.node().equals(a.leader()) ? "leading" : "following")) {
                  return false;
                }
                // A leader reports the manifest it committed to serve (replication.md §10).
                if (r.node().equals(a.leader())
                    && report.get().replication().get().manifestVersion() < 1) {
                  return false;
                }
              }
              return true;
            });
  }

  @Override
  public void close() throws InterruptedException {
    for (NodeProcess n : nodes.values()) {
      n.close();
    }
    store.close();
  }
}
