package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.testing.PipelinedConnection;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recovery.md §4 with etcd: a partition whose WAL object is corrupt stays installed, {@code
 * offline} and holding nothing; its status in etcd says so with the error, and every request to it
 * gets that reason (not "not on this node"). Once the object is readable again, the failed-replica
 * retry reopens it without any operator step.
 */
@Timeout(120)
class FailedLoadWithEtcdIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private static final String NODE = "f1";
  private static final String TABLE = "db.corrupt";
  private static final long TID = 31;

  private MetaStore admin;
  private DataNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void aCorruptWalObjectLeavesThePartitionOfflineWithItsReasonInStatusAndAnswers()
      throws Exception {
    admin = ClusterNodes.store(ETCD.endpoints());
    node = DataNode.start(config());
    new AssignmentAdmin(admin, ClusterNodes.CLUSTER)
        .createTable(ClusterNodes.table(TID, TABLE, 1, 1, Durability.S3), List.of(NODE));
    await().atMost(Duration.ofSeconds(30)).until(() -> writable(node));
    List<CompletableFuture<Void>> durable =
        java.util.stream.LongStream.range(0, 200)
            .mapToObj(id -> ClusterNodes.put(hosted(node), id).durable())
            .toList();
    CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    node.close();
    node = null;

    String key = "wal/" + NODE + "/1/00000000000000000001.wal";
    byte[] original;
    try (ObjectStore store = store()) {
      original = store.get(key);
      byte[] corrupt = original.clone();
      corrupt[12] ^= 0x01;
      store.put(key, corrupt);
    }

    node = DataNode.start(config());
    String statusKey = MetaKeys.forCluster(ClusterNodes.CLUSTER).partitionStatus(NODE, TID, 0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> report(statusKey).map(r -> r.error().isPresent()).orElse(false));
    PartitionReport report = report(statusKey).orElseThrow();
    assertThat(report.state()).isEqualTo(PartitionState.OFFLINE);
    assertThat(report.error().orElseThrow()).contains(key).contains("corrupt");
    assertThat(report.rowCount()).isZero();
    assertThat(report.memoryBytes()).isZero();

    try (PipelinedConnection c = new PipelinedConnection(node.port(), 4)) {
      byte[] rowKey = new KeyCodec(ClusterNodes.SCHEMA).encode(new Row(1L, null));
      Response answer = c.call(new Request.Get(TABLE, rowKey));
      assertThat(answer).isInstanceOf(Response.Error.class);
      Response.Error error = (Response.Error) answer;
      assertThat(error.code()).isEqualTo(ErrorCode.PARTITION_NOT_FOUND);
      assertThat(error.message()).contains("offline on this node").contains(key);
    }
    assertThat(node.memory().used()).isZero();

    try (ObjectStore store = store()) {
      store.put(key, original);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> writable(node));
    assertThat(ClusterNodes.get(hosted(node), 199)).isNotNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                report(statusKey)
                    .map(r -> r.state() == PartitionState.NORMAL && r.error().isEmpty())
                    .orElse(false));
  }

  private Optional<PartitionReport> report(String statusKey) {
    return admin.get(statusKey).map(e -> PartitionReportParser.fromJson(e.value()));
  }

  private static boolean writable(DataNode node) {
    HostedTable t = hosted(node);
    return t != null && t.partitionOrNull(0) != null && t.partitionOrNull(0).role().writable();
  }

  private static HostedTable hosted(DataNode node) {
    return node.tables().all().stream()
        .filter(t -> t.name().equals(TABLE))
        .findFirst()
        .orElse(null);
  }

  private static NodeConfig config() {
    Properties props = ClusterNodes.props(NODE, Duration.ofSeconds(4));
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
    props.setProperty("snapshot.wal-bytes", Long.toString(1L << 40));
    S3.settings().forEach(props::setProperty);
    return NodeConfig.of(props);
  }

  private static ObjectStore store() {
    // the node's objects are under its cluster's root (spec.md §6)
    return new S3ObjectStore(
        ObjectStoreConfig.fromProperties(S3.settings()).forCluster(ClusterNodes.CLUSTER));
  }
}
