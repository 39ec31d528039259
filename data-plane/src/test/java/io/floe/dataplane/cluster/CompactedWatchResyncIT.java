package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.dataplane.DataNode;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.net.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node cut off from etcd while its desired state changes and etcd compacts the history its
 * watches would resume from (a partition longer than the compaction retention, which every etcd
 * Floe runs on has: README, "The etcd Floe needs") still ends up hosting exactly what it is
 * assigned: the watches end as compacted and the node reads its whole desired state again, so a
 * table created meanwhile is loaded and one dropped meanwhile is let go, though neither event ever
 * reached it.
 */
@Timeout(90)
class CompactedWatchResyncIT {
  private static final Duration AWAIT = Duration.ofSeconds(20);

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private MetaStore admin;
  private TcpProxy link;
  private DataNode node;

  @BeforeEach
  void start() {
    admin = store(etcd.endpoints().get(0));
    URI member = URI.create(etcd.endpoints().get(0));
    link = TcpProxy.start(member.getHost(), member.getPort());
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    link.close();
    admin.close();
  }

  @Test
  void aNodeWhoseWatchesWereCompactedAwayReadsItsDesiredStateAgain() {
    // a lease far longer than the cut: the node stays registered, so nothing but the compacted
    // watches can tell it to read its desired state again
    node = ClusterNodes.node("w1", Duration.ofSeconds(30), store("http://" + link.endpoint()));
    AssignmentAdmin assignments = new AssignmentAdmin(admin, ClusterNodes.CLUSTER);
    assignments.createTable(ClusterNodes.table(21, "db.kept", 1, 1), List.of("w1"));
    assignments.createTable(ClusterNodes.table(22, "db.dropped", 1, 1), List.of("w1"));
    await().atMost(AWAIT).until(() -> writable("db.kept") && writable("db.dropped"));
    ClusterNodes.put(hosted("db.kept"), 7);

    link.blackhole();
    link.reset(); // its streams to etcd end; it reconnects once the link heals
    assignments.createTable(ClusterNodes.table(23, "db.added", 1, 1), List.of("w1"));
    assignments.dropTable("db.dropped");
    long now = admin.getPrefix("/").revision();
    admin.compact(now); // every event the node missed is gone from etcd's history
    assertThat(hosted("db.added")).isNull();
    assertThat(hosted("db.dropped")).isNotNull();
    link.heal();

    await().atMost(AWAIT).until(() -> writable("db.added") && hosted("db.dropped") == null);
    assertThat(writable("db.kept")).isTrue();
    assertThat(ClusterNodes.get(hosted("db.kept"), 7)).isNotNull();
  }

  /**
   * A store whose calls wait up to 5 s: a first call through the proxy, on a busy machine, can take
   * longer than the 1 s of {@link ClusterNodes#store}, and this test is not about slow calls.
   */
  private static MetaStore store(String endpoint) {
    return EtcdMetaStore.connect(
        MetaStoreConfig.of(List.of(endpoint)).withCallTimeout(Duration.ofSeconds(5)));
  }

  private boolean writable(String name) {
    HostedTable t = hosted(name);
    Partition p = t == null ? null : t.partitionOrNull(0);
    return p != null && p.role().writable();
  }

  private HostedTable hosted(String name) {
    return node.tables().all().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }
}
