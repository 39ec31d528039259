package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Response.Prepared;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The old leader alive but cut off (replication.md §8): a data node JVM stopped with {@code
 * SIGSTOP} while writers keep going, its partitions failed over by prepare + assignment, then
 * resumed. In {@code replicated} and {@code s3} mode it acknowledges nothing after the prepare (no
 * follower applies its entries) and the seal (its next WAL object finds its sequence taken); every
 * write acknowledged at all is in the new leader's state; it learns it was deposed and follows.
 */
@Timeout(300)
class PausedLeaderIT {
  private static final String CLUSTER = "paused-it";

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private final Map<String, NodeProcess> nodes = new HashMap<>();
  private MetaStore store;
  private AssignmentAdmin admin;
  private FloeClient client;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    admin = new AssignmentAdmin(store, CLUSTER);
    for (String id : List.of("a", "b", "c")) {
      Map<String, String> settings = new HashMap<>(S3.settings());
      settings.put(NodeConfig.NODE_ID, id);
      settings.put(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
      settings.put(ClusterSettings.CLUSTER, CLUSTER);
      settings.put(ClusterSettings.LEASE_TTL, "30s"); // the pause is shorter: fencing, not leases
      settings.put(ClusterSettings.STATUS_INTERVAL, "100ms");
      settings.put("wal.flush-interval", "50ms");
      // Frequent snapshots keep each manifest's ranges and tail short: what a follower's fill
      // and a promotion read from S3 (with the default 256 MiB, thousands of small objects).
      settings.put("snapshot.wal-bytes", "1MiB");
      nodes.put(id, new NodeProcess(settings).start());
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    for (NodeProcess n : nodes.values()) {
      n.close();
    }
    store.close();
  }

  private String endpoint(String node) {
    return "127.0.0.1:" + nodes.get(node).port();
  }

  private static CatalogTable table(long tid, String name, Durability mode) {
    return new CatalogTable(
        tid,
        "cut",
        name,
        ClientNodeIT.SCHEMA,
        1,
        3,
        mode,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  @Test
  void aPausedLeaderAcknowledgesNothingAfterItsFailoverAndFollowsWhenResumed() throws Exception {
    Map<Durability, Long> tids = Map.of(Durability.REPLICATED, 51L, Durability.S3, 52L);
    for (Map.Entry<Durability, Long> t : tids.entrySet()) {
      admin.createTable(
          table(t.getValue(), t.getKey().jsonName(), t.getKey()), List.of("a", "b", "c"));
    }
    for (long tid : tids.values()) {
      awaitStates(tid, Duration.ofSeconds(60));
    }
    client =
        FloeClient.connect(
            ClientConfig.of(endpoint("a"), endpoint("b"), endpoint("c"))
                .withRequestTimeout(Duration.ofSeconds(5)));
    Map<Durability, Set<Long>> acked = new HashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong nextId = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (Durability mode : tids.keySet()) {
      FloeTable table = client.table("cut." + mode.jsonName());
      Set<Long> done = ConcurrentHashMap.newKeySet();
      acked.put(mode, done);
      for (int w = 0; w < 2; w++) {
        Thread t =
            new Thread(
                () -> {
                  while (writing.get()) {
                    long id = nextId.getAndIncrement();
                    try {
                      table.put(new Row(id, "p" + id, (double) id));
                      done.add(id);
                    } catch (RuntimeException e) {
                      // not acknowledged: its outcome is unknown
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> acked.values().stream().allMatch(s -> s.size() > 300));

    nodes.get("a").pause();
    Map<Durability, Integer> before = new HashMap<>();
    acked.forEach((mode, set) -> before.put(mode, set.size()));
    for (long tid : tids.values()) {
      PartitionAssignment current = admin.assignment(tid, 0);
      assertThat(current.leader()).isEqualTo("a");
      String best = null;
      Prepared bestAnswer = null;
      for (String node : List.of("b", "c")) {
        Prepared p = prepare(node, current, tid);
        if (bestAnswer == null || p.appliedOffset() > bestAnswer.appliedOffset()) {
          best = node;
          bestAnswer = p;
        }
      }
      admin.moveLeader(tid, 0, best);
    }
    // Writes go on at the new leaders while the old one is stopped.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                acked.entrySet().stream()
                    .allMatch(e -> e.getValue().size() > before.get(e.getKey()) + 200));

    nodes.get("a").resume();
    // It learns it was deposed: it follows the term-2 leader.
    for (long tid : tids.values()) {
      awaitStates(tid, Duration.ofSeconds(60));
    }
    writing.set(false);
    for (Thread t : writers) {
      t.join();
    }

    for (Map.Entry<Durability, Set<Long>> e : acked.entrySet()) {
      FloeTable table = client.table("cut." + e.getKey().jsonName());
      long lost = 0;
      for (long id : e.getValue()) {
        Row row = table.get(id);
        if (row == null || !row.equals(new Row(id, "p" + id, (double) id))) {
          lost++;
        }
      }
      System.out.printf(
          "[paused-it] %s: %d writes acknowledged, %d lost across a SIGSTOP of the leader and"
              + " its failover%n",
          e.getKey().jsonName(), e.getValue().size(), lost);
      assertThat(lost).as("acknowledged %s writes lost", e.getKey().jsonName()).isZero();
    }
  }

  private Prepared prepare(String node, PartitionAssignment current, long tid) {
    String table =
        tid == 51L ? "cut." + Durability.REPLICATED.jsonName() : "cut." + Durability.S3.jsonName();
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e instanceof FloeRequestException)
        .until(
            () -> {
              try (NodeAdmin nodeAdmin = NodeAdmin.connect(endpoint(node))) {
                return Optional.of(nodeAdmin.prepareTerm(table, 0, current.term() + 1));
              }
            },
            Optional::isPresent)
        .orElseThrow();
  }

  /** Every replica reports the assignment's term: the leader leading, the others following. */
  private void awaitStates(long tid, Duration atMost) {
    MetaKeys keys = MetaKeys.forCluster(CLUSTER);
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              PartitionAssignment a = admin.assignment(tid, 0);
              for (PartitionAssignment.Replica r : a.replicas()) {
                Optional<PartitionReport> report =
                    store
                        .get(keys.partitionStatus(r.node(), tid, 0))
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
              }
              return true;
            });
  }
}
