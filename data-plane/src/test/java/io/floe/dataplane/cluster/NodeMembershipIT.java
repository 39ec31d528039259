package io.floe.dataplane.cluster;

import static io.floe.dataplane.cluster.ClusterNodes.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.NotLeaderException;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.testsupport.etcd.EtcdProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data node's life in a real etcd: registration under its lease, status publication, lease loss
 * (etcd killed) and re-registration, a crashed node's key expiring, a duplicate node id refused.
 */
@Timeout(60)
class NodeMembershipIT {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMembershipIT.class);
  private static final MetaKeys KEYS = MetaKeys.forCluster(CLUSTER);

  private EtcdProcess etcd;
  private MetaStore admin;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() {
    etcd = EtcdProcess.start();
    admin = ClusterNodes.store(etcd.clientEndpoints());
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> admin.get("/w") != null);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    admin.close();
    etcd.close();
  }

  private DataNode node(String id, Duration ttl) {
    MetaStore store = ClusterNodes.store(etcd.clientEndpoints());
    DataNode node = ClusterNodes.node(id, ttl, store);
    open.add(node);
    return node;
  }

  private static HostedTable hosted(DataNode node, String name) {
    return node.tables().all().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  @Test
  void registersHostsItsAssignmentsAndPublishesStatusThatAdvances() {
    DataNode node = node("n1", Duration.ofSeconds(4));
    NodeRegistration registered =
        NodeRegistrationParser.fromJson(admin.get(KEYS.node("n1")).orElseThrow().value());
    assertThat(registered.endpoint()).isEqualTo(node.endpoint());
    assertThat(registered.incarnation()).isEqualTo(node.incarnation());
    assertThat(registered.memoryLimitBytes()).isEqualTo(node.memory().limit());

    long t0 = System.nanoTime();
    new AssignmentAdmin(admin, CLUSTER)
        .createTable(ClusterNodes.table(5, "db.s", 2, 1), List.of("n1"));
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              HostedTable t = hosted(node, "db.s");
              return t != null
                  && t.partitionOrNull(0) != null
                  && t.partitionOrNull(1) != null
                  && t.partitionOrNull(0).role().writable()
                  && t.partitionOrNull(1).role().writable();
            });
    LOG.info("assignment converged in {} ms", (System.nanoTime() - t0) / 1_000_000);

    HostedTable table = hosted(node, "db.s");
    for (long id = 0; id < 50; id++) {
      ClusterNodes.put(table, id);
    }
    long total = table.partitionOrNull(0).offset() + table.partitionOrNull(1).offset();
    assertThat(total).isEqualTo(50);
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              long published = 0;
              for (int pid = 0; pid < 2; pid++) {
                PartitionReport r = report("n1", 5, pid).orElseThrow();
                assertThat(r.role()).isEqualTo(PartitionRole.LEADER);
                assertThat(r.state()).isEqualTo(PartitionState.NORMAL);
                assertThat(r.term()).isEqualTo(1);
                assertThat(r.writable()).isTrue();
                published += r.offset();
              }
              assertThat(published).isEqualTo(50);
            });
    ClusterNodes.put(table, 1000);
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .until(() -> report("n1", 5, 0).get().offset() + report("n1", 5, 1).get().offset() == 51);
  }

  @Test
  void aNodeWhoseKeepAlivesStopDisappearsWithinTheTtl() {
    Duration ttl = Duration.ofSeconds(2);
    MetaStore store = ClusterNodes.store(etcd.clientEndpoints());
    DataNode node = ClusterNodes.node("n2", ttl, store);
    open.add(node);
    assertThat(admin.get(KEYS.node("n2"))).isPresent();
    long t0 = System.nanoTime();
    store.close(); // keep-alives stop; the lease is not revoked, as in a crash
    await()
        .atMost(ttl.plusSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> admin.get(KEYS.node("n2")).isEmpty());
    LOG.info("node key gone {} ms after keep-alives stopped", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aSecondProcessWithTheSameNodeIdIsRefused() {
    DataNode first = node("n3", Duration.ofSeconds(2));
    MetaStore store = ClusterNodes.store(etcd.clientEndpoints());
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ClusterNodes.node("n3", Duration.ofSeconds(2), store))
        .isInstanceOf(NodeIdInUseException.class)
        .hasMessageContaining("node id 'n3' is registered by another live process")
        .hasMessageContaining(first.endpoint());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
    assertThat(
            NodeRegistrationParser.fromJson(admin.get(KEYS.node("n3")).orElseThrow().value())
                .endpoint())
        .isEqualTo(first.endpoint());
  }

  @Test
  void losingTheLeaseStopsWritesBeforeItCanExpireAndReRegistersWithoutLeadership() {
    Duration ttl = Duration.ofSeconds(3);
    DataNode node = node("n4", ttl);
    new AssignmentAdmin(admin, CLUSTER)
        .createTable(ClusterNodes.table(9, "db.l", 1, 1), List.of("n4"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                hosted(node, "db.l") != null
                    && hosted(node, "db.l").partitionOrNull(0) != null
                    && hosted(node, "db.l").partitionOrNull(0).role().writable());
    HostedTable table = hosted(node, "db.l");
    ClusterNodes.put(table, 1);

    long killed = System.nanoTime();
    etcd.kill();
    await()
        .atMost(ttl)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              try {
                ClusterNodes.put(table, 2);
                return false;
              } catch (NotLeaderException e) {
                return true;
              }
            });
    Duration refusedAfter = Duration.ofNanos(System.nanoTime() - killed);
    LOG.info("writes refused {} ms after etcd was killed (ttl {})", refusedAfter.toMillis(), ttl);
    // The last keep-alive was acknowledged before the kill: the server cannot expire the lease
    // before killed + ttl.
    assertThat(refusedAfter).isLessThan(ttl);
    assertThat(node.cluster().orElseThrow().isRegistered()).isFalse();
    assertThat(ClusterNodes.get(table, 1)).as("reads go on").isNotNull();
    Partition p = table.partitionOrNull(0);
    assertThat(p.role().writable()).isFalse();

    etcd.restart();
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () ->
                node.cluster().orElseThrow().isRegistered()
                    && admin.get(KEYS.node("n4")).isPresent());
    // A new registration does not give leadership back: the same term stays suspended.
    assertThatThrownBy(() -> ClusterNodes.put(table, 3)).isInstanceOf(NotLeaderException.class);
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .until(() -> !report("n4", 9, 0).orElseThrow().writable());

    new AssignmentAdmin(admin, CLUSTER).reassign(9, 0, List.of("n4"));
    await().atMost(Duration.ofSeconds(5)).until(() -> p.role().writable() && p.role().term() == 2);
    ClusterNodes.put(table, 4);
    assertThat(ClusterNodes.get(table, 4)).isNotNull();
  }

  /**
   * A node started while etcd is down (a whole cluster started at once, etcd restarting) waits for
   * it rather than failing its start, and joins when it comes: registered, following its
   * assignments. It used to fail its start on the first registration's call deadline.
   */
  @Test
  void aNodeStartedWhileEtcdIsDownWaitsForItAndJoinsWhenItComes() throws Exception {
    etcd.kill();
    MetaStore store = ClusterNodes.store(etcd.clientEndpoints());
    java.util.concurrent.CompletableFuture<DataNode> started =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> ClusterNodes.node("n5", Duration.ofSeconds(3), store));
    // The store's own retries of a registration call (3 attempts of at most 1 s, backing off up
    // to 2 s) are spent within 5 s: still starting 10 s on means the node kept trying.
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(11))
        .until(() -> !started.isDone());

    etcd.restart();
    DataNode node = started.get(20, java.util.concurrent.TimeUnit.SECONDS);
    open.add(node);
    assertThat(node.cluster().orElseThrow().isRegistered()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> admin.get(KEYS.node("n5")).isPresent());
    assertThat(
            NodeRegistrationParser.fromJson(admin.get(KEYS.node("n5")).orElseThrow().value())
                .endpoint())
        .isEqualTo(node.endpoint());
    new AssignmentAdmin(admin, CLUSTER)
        .createTable(ClusterNodes.table(11, "db.late", 1, 1), List.of("n5"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                hosted(node, "db.late") != null
                    && hosted(node, "db.late").partitionOrNull(0) != null
                    && hosted(node, "db.late").partitionOrNull(0).role().writable());
    ClusterNodes.put(hosted(node, "db.late"), 1);
    assertThat(ClusterNodes.get(hosted(node, "db.late"), 1)).isNotNull();
  }

  private Optional<PartitionReport> report(String node, long tid, int pid) {
    return admin
        .get(KEYS.partitionStatus(node, tid, pid))
        .map(e -> PartitionReportParser.fromJson(e.value()));
  }
}
