package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.dataplane.DataNode;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica whose load fails for a while (S3 unreachable, say) comes up by itself once the fault
 * passes, with no new assignment and no operator step; meanwhile its status names the error.
 */
@Timeout(60)
class FailedReplicaRetryIT {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private MetaStore admin;
  private DataNode node;

  @BeforeEach
  void start() {
    admin = ClusterNodes.store(etcd.endpoints());
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    admin.close();
  }

  @Test
  void aReplicaThatFailedToLoadIsRetriedUntilItServes() {
    node = ClusterNodes.node("r1", Duration.ofSeconds(4), ClusterNodes.store(etcd.endpoints()));
    AtomicInteger attempts = new AtomicInteger();
    node.hosting()
        .setLoader(
            (table, partition) -> {
              if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException(
                    "S3 unreachable (injected, attempt " + attempts + ")");
              }
              partition.markNormal();
            });

    new AssignmentAdmin(admin, ClusterNodes.CLUSTER)
        .createTable(ClusterNodes.table(9, "db.retry", 1, 1), List.of("r1"));

    String statusKey = MetaKeys.forCluster(ClusterNodes.CLUSTER).partitionStatus("r1", 9, 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin
                    .get(statusKey)
                    .map(e -> PartitionReportParser.fromJson(e.value()).error().isPresent())
                    .orElse(false));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              HostedTable t = hosted("db.retry");
              Partition p = t == null ? null : t.partitionOrNull(0);
              return p != null && p.role().writable();
            });
    assertThat(attempts).hasValue(3);
    ClusterNodes.put(hosted("db.retry"), 1);
  }

  private HostedTable hosted(String name) {
    return node.tables().all().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }
}
