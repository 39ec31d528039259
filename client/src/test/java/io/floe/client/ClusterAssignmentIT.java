package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.NotLeaderException;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two real data nodes following assignments written to a real etcd, used through the real client:
 * placement, leader moves the client follows, unassignment and drops that release memory.
 */
@Timeout(60)
class ClusterAssignmentIT {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAssignmentIT.class);
  private static final String CLUSTER = "client-it";

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private final List<AutoCloseable> open = new ArrayList<>();
  private MetaStore store;
  private AssignmentAdmin admin;
  private DataNode a;
  private DataNode b;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(etcd.endpoints()));
    admin = new AssignmentAdmin(store, CLUSTER);
    a = node("a");
    b = node("b");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    store.close();
  }

  private DataNode node(String id) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.NODE_ID, id);
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", etcd.endpoints()));
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, "4s");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "200ms");
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private static CatalogTable table(long tid, String name, int partitions, int replicas) {
    String[] parts = name.split("\\.");
    return new CatalogTable(
        tid,
        parts[0],
        parts[1],
        ClientNodeIT.SCHEMA,
        partitions,
        replicas,
        Durability.MEMORY,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  private static HostedTable hosted(DataNode node, String name) {
    return node.tables().all().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  private static Partition replica(DataNode node, String name, int pid) {
    HostedTable t = hosted(node, name);
    return t == null ? null : t.partitionOrNull(pid);
  }

  private static boolean leads(DataNode node, String name, int pid, long term) {
    Partition p = replica(node, name, pid);
    return p != null && p.role().writable() && p.role().term() == term;
  }

  @Test
  void twoNodesHostTheirAssignmentsAndTheClientFollowsALeaderMove() {
    long t0 = System.nanoTime();
    admin.createTable(table(21, "shop.carts", 4, 2), List.of("a", "b"));
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () ->
                leads(a, "shop.carts", 0, 1)
                    && leads(b, "shop.carts", 1, 1)
                    && leads(a, "shop.carts", 2, 1)
                    && leads(b, "shop.carts", 3, 1));
    LOG.info("two nodes converged in {} ms", (System.nanoTime() - t0) / 1_000_000);
    // Every partition has a follower replica on the other node.
    assertThat(replica(b, "shop.carts", 0).role().writable()).isFalse();
    assertThat(replica(b, "shop.carts", 0).role().leaderEndpoint()).isEqualTo(a.endpoint());

    FloeClient client = FloeClient.connect(ClientConfig.of(a.endpoint(), b.endpoint()));
    open.add(client);
    FloeTable carts = client.table("shop.carts");
    for (long id = 0; id < 200; id++) {
      carts.put(new Row(id, "c" + id, (double) id));
    }
    for (long id = 0; id < 200; id += 17) {
      assertThat(carts.get(id)).isEqualTo(new Row(id, "c" + id, (double) id));
    }
    long onA = replica(a, "shop.carts", 0).offset() + replica(a, "shop.carts", 2).offset();
    long onB = replica(b, "shop.carts", 1).offset() + replica(b, "shop.carts", 3).offset();
    assertThat(onA + onB).isEqualTo(200);
    assertThat(onA).isPositive();
    assertThat(onB).isPositive();

    // Replicated: b's replica of partition 0 holds every write a took.
    long onA0 = replica(a, "shop.carts", 0).offset();
    await().atMost(Duration.ofSeconds(5)).until(() -> replica(b, "shop.carts", 0).offset() == onA0);
    long moved = System.nanoTime();
    admin.moveLeader(21, 0, "b");
    await().atMost(Duration.ofSeconds(5)).until(() -> leads(b, "shop.carts", 0, 2));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> replica(a, "shop.carts", 0).role().term() == 2);
    LOG.info("leader move converged in {} ms", (System.nanoTime() - moved) / 1_000_000);
    Partition old = replica(a, "shop.carts", 0);
    byte[] key = keyRoutedTo(0, 4);
    assertThatThrownBy(
            () ->
                old.write(
                    List.of(
                        PartitionWrite.put(
                            key,
                            new RowCodec(ClientNodeIT.SCHEMA).encode(new Row(9_999L, "x", 1.0)))),
                    -1))
        .isInstanceOfSatisfying(
            NotLeaderException.class, e -> assertThat(e.leaderEndpoint()).isEqualTo(b.endpoint()));

    // The client still routes partition 0 to a: it is told NOT_LEADER with b and follows.
    long id0 = idRoutedTo(0, 4, 10_000);
    carts.put(new Row(id0, "after-move", 0.5));
    assertThat(carts.get(id0)).isEqualTo(new Row(id0, "after-move", 0.5));
    assertThat(replica(b, "shop.carts", 0).offset()).isEqualTo(onA0 + 1);
  }

  @Test
  void aClientRoutedToANodeThatNoLongerHoldsTheTableFindsItsNewPlace() {
    // One partition on a only; then moved to b only: a releases the whole table and answers
    // TABLE_NOT_FOUND to a client that still routes there.
    admin.createTable(table(23, "shop.moving", 1, 1), List.of("a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> leads(a, "shop.moving", 0, 1));
    FloeClient client = FloeClient.connect(ClientConfig.of(a.endpoint(), b.endpoint()));
    open.add(client);
    FloeTable moving = client.table("shop.moving");
    moving.put(new Row(1L, "before", 1.0));

    admin.reassign(23, 0, List.of("b"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> hosted(a, "shop.moving") == null && leads(b, "shop.moving", 0, 2));
    moving.put(new Row(2L, "after", 2.0));
    assertThat(moving.get(2L)).isEqualTo(new Row(2L, "after", 2.0));
    assertThat(replica(b, "shop.moving", 0).offset()).isEqualTo(1);
  }

  @Test
  void unassignedReplicasAndDroppedTablesAreReleased() {
    admin.createTable(table(22, "shop.bins", 2, 2), List.of("a", "b"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> leads(a, "shop.bins", 0, 1) && leads(b, "shop.bins", 1, 1));
    FloeClient client = FloeClient.connect(ClientConfig.of(a.endpoint(), b.endpoint()));
    open.add(client);
    FloeTable bins = client.table("shop.bins");
    for (long id = 0; id < 100; id++) {
      bins.put(new Row(id, "b" + id, 1.0));
    }
    assertThat(a.memory().used()).isPositive();

    // Partition 1 (led by b, followed on a) loses its replica on a.
    admin.reassign(22, 1, List.of("b"));
    await().atMost(Duration.ofSeconds(5)).until(() -> replica(a, "shop.bins", 1) == null);
    assertThat(replica(a, "shop.bins", 0)).isNotNull();

    admin.dropTable("shop.bins");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> hosted(a, "shop.bins") == null && hosted(b, "shop.bins") == null);
    assertThat(a.memory().used()).isZero();
    assertThat(b.memory().used()).isZero();
  }

  private static byte[] keyRoutedTo(int pid, int partitions) {
    return new KeyCodec(ClientNodeIT.SCHEMA).encodeKey(idRoutedTo(pid, partitions, 50_000));
  }

  private static long idRoutedTo(int pid, int partitions, long from) {
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    for (long id = from; ; id++) {
      if (PartitionHasher.partition(keys.encodeKey(id), partitions) == pid) {
        return id;
      }
    }
  }
}
