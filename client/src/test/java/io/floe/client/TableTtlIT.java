package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.expiry.ExpirySweeper;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table created in etcd with a {@code ttl-ms}, on a node that ships its WAL to S3, used through
 * the real client (spec.md §14): rows vanish once their TTL has passed, conditional writes see them
 * as absent, the sweep gives their memory back, and a restart that reloads the table from S3 does
 * not bring them back.
 */
@Timeout(120)
class TableTtlIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private static final String CLUSTER = "ttl-it";
  private static final String TABLE = "db.sessions";
  private static final long TID = 31;
  private static final int PARTITIONS = 2;

  /** Short, and still long enough that a row read right after its write is certainly live. */
  private static final Duration TTL = Duration.ofSeconds(1);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private DataNode start(Duration sweepInterval) {
    Properties props = new Properties();
    props.putAll(S3.settings());
    props.setProperty(NodeConfig.NODE_ID, "n1");
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, "4s");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "200ms");
    props.setProperty(ExpirySweeper.INTERVAL, sweepInterval.toMillis() + "ms");
    DataNode node = DataNode.start(NodeConfig.of(props));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HostedTable t = node.tables().find(TABLE);
              for (int pid = 0; t != null && pid < PARTITIONS; pid++) {
                Partition p = t.partitionOrNull(pid);
                if (p == null
                    || !p.role().writable()
                    || p.status().state() != PartitionState.NORMAL) {
                  return false;
                }
              }
              return t != null;
            });
    return node;
  }

  private FloeTable connect(DataNode node) {
    FloeClient client = FloeClient.connect(ClientConfig.of(node.endpoint()));
    open.add(client);
    return client.table(TABLE);
  }

  private static long rows(FloeTable table) {
    return table.status().stream().mapToLong(PartitionStatus::rowCount).sum();
  }

  private static long memoryBytes(FloeTable table) {
    return table.status().stream().mapToLong(PartitionStatus::memoryBytes).sum();
  }

  private static long offsets(FloeTable table) {
    return table.status().stream().mapToLong(PartitionStatus::offset).sum();
  }

  @Test
  void rowsVanishAfterTheirTtlTheirMemoryIsFreedAndAReloadDoesNotBringThemBack() {
    try (MetaStore store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()))) {
      new AssignmentAdmin(store, CLUSTER)
          .createTable(
              new CatalogTable(
                  TID,
                  "db",
                  "sessions",
                  ClientNodeIT.SCHEMA,
                  PARTITIONS,
                  1,
                  Durability.MEMORY,
                  OptionalLong.of(TTL.toMillis()),
                  TableState.ACTIVE,
                  OptionalLong.empty()),
              List.of("n1"));
    }
    DataNode node = start(Duration.ofMillis(50));
    open.add(node);
    FloeTable sessions = connect(node);

    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 200; id++) {
      rows.add(new Row(id, "s" + id, (double) id));
    }
    long written = System.nanoTime();
    sessions.putAll(rows);
    assertThat(sessions.get(7L)).isEqualTo(new Row(7L, "s7", 7.0));
    assertThat(sessions.readFrom(ReadFrom.FOLLOWER).get(8L)).isEqualTo(new Row(8L, "s8", 8.0));
    assertThat(sessions.scan(KeyRange.all(), 1_000)).hasSize(200);
    long held = memoryBytes(sessions);
    assertThat(held).isPositive();
    assertThat(rows(sessions)).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> sessions.get(7L) == null);
    assertThat(System.nanoTime() - written)
        .as("not before its TTL")
        .isGreaterThanOrEqualTo(TTL.toNanos());
    assertThat(sessions.scan(KeyRange.all(), 1_000)).isEmpty();
    assertThat(sessions.readFrom(ReadFrom.FOLLOWER).get(8L)).as("GET_ANY").isNull();
    assertThat(sessions.multiGet(List.of(new Object[] {1L}, new Object[] {2L})))
        .containsExactly(null, null);

    // Conditional writes see an expired row as absent.
    assertThatThrownBy(() -> sessions.update(Map.of("name", "renewed"), 3L))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
    assertThat(sessions.putIfAbsent(new Row(3L, "again", 3.0))).isPositive();
    assertThat(sessions.get(3L)).isEqualTo(new Row(3L, "again", 3.0));

    // The sweep gives back what the expired rows held; the one row put again expires in turn.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rows(sessions) <= 1 && memoryBytes(sessions) < held / 10);
    await().atMost(Duration.ofSeconds(20)).until(() -> sessions.get(3L) == null);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> rows(sessions) == 0 && memoryBytes(sessions) == 0);
    assertThat(node.memory().used()).isZero();
    long offset = offsets(sessions);
    assertThat(offset).as("200 puts and a put-if-absent: expiry logged nothing").isEqualTo(201);

    // A restart reloads the table from S3: the log is all there, and no row of it comes back. The
    // new node sweeps only after an hour, so its loader is what left them out.
    open.remove(node);
    node.close();
    DataNode restarted = start(Duration.ofHours(1));
    open.add(restarted);
    FloeTable reloaded = connect(restarted);
    assertThat(offsets(reloaded)).isEqualTo(offset);
    assertThat(rows(reloaded)).isZero();
    assertThat(memoryBytes(reloaded)).isZero();
    assertThat(reloaded.scan(KeyRange.all(), 1_000)).isEmpty();
    assertThat(reloaded.get(3L)).isNull();
  }
}
