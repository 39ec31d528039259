package io.floe.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.PipelinedConnection;
import io.floe.dataplane.testing.Scrape;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two data nodes with {@code node.metrics-port} set, a real etcd and S3 over HTTP, a table of two
 * replicas led by the first: rows written and read over the data protocol, then each node's {@code
 * GET /metrics} scraped over HTTP. The text parses line by line as Prometheus's format, and the
 * counters moved as the work demands — requests by opcode and outcome on the node that answered
 * them, WAL objects in S3, entries sent by the leader and applied by the follower, replicas and
 * rows on each.
 */
@Timeout(120)
class MetricsEndpointIT {
  private static final String CLUSTER = "metrics-it";
  private static final String TABLE = "db.metered";
  private static final int ROWS = 20;

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> open = new ArrayList<>();
  private MetaStore store;
  private DataNode leader;
  private DataNode follower;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    leader = node("m1");
    follower = node("m2");
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
    props.putAll(S3.settings());
    props.setProperty(NodeConfig.NODE_ID, id);
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MetricsServer.PORT, "0");
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, "4s");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "200ms");
    props.setProperty("wal.flush-interval", "20ms");
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private static Partition replica(DataNode node) {
    HostedTable table = node.tables().find(TABLE);
    return table == null ? null : table.partitionOrNull(0);
  }

  private HttpResponse<String> get(DataNode node, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + node.metricsPort().getAsInt() + path);
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private Scrape scrape(DataNode node) throws Exception {
    HttpResponse<String> response = get(node, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    return Scrape.parse(response.body());
  }

  private static byte[] row(long id) {
    return IdNameTable.ROWS.encode(new Row(id, "name-" + id));
  }

  @Test
  void eachNodeServesItsCountsInPrometheusTextFormat() throws Exception {
    new AssignmentAdmin(store, CLUSTER)
        .createTable(
            new CatalogTable(
                41,
                "db",
                "metered",
                IdNameTable.SCHEMA,
                1,
                2,
                Durability.REPLICATED,
                OptionalLong.empty(),
                TableState.ACTIVE,
                OptionalLong.empty()),
            List.of("m1", "m2"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                replica(leader) != null
                    && replica(leader).role().writable()
                    // writable in its role, and replication started (else PARTITION_LOADING)
                    && io.floe.dataplane.replication.Replication.logOf(replica(leader)).leading()
                    && replica(follower) != null
                    && replica(follower).role().state() == PartitionState.NORMAL);

    try (PipelinedConnection toLeader = new PipelinedConnection(leader.port(), 16);
        PipelinedConnection toFollower = new PipelinedConnection(follower.port(), 1)) {
      List<CompletableFuture<Response>> puts = new ArrayList<>();
      for (long id = 1; id <= ROWS; id++) {
        puts.add(toLeader.send(new Request.Put(TABLE, row(id))));
      }
      toLeader.flush();
      for (CompletableFuture<Response> put : puts) {
        assertThat(put.get()).isInstanceOf(Response.Written.class);
      }
      for (long id = 1; id <= ROWS; id++) {
        Response got = toLeader.call(new Request.Get(TABLE, IdNameTable.KEYS.encodeKey(id)));
        assertThat(((Response.Got) got).row()).isEqualTo(row(id));
      }
      Response missing =
          toLeader.call(new Request.Get("db.missing", IdNameTable.KEYS.encodeKey(1L)));
      assertThat(((Response.Error) missing).code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
      Response notLeader = toFollower.call(new Request.Put(TABLE, row(99)));
      assertThat(((Response.Error) notLeader).code()).isEqualTo(ErrorCode.NOT_LEADER);
    }

    // The leader answered the client's requests, replicated the rows and shipped them to S3.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Scrape m1 = scrape(leader);
              assertThat(m1.value("floe_wal_lag_seconds_count")).isEqualTo(ROWS);
              assertThat(m1.value("floe_replication_follower_lag_entries")).isZero();
            });
    Scrape m1 = scrape(leader);
    assertThat(m1.samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "m1"));
    assertThat(m1.value("floe_requests_total", "opcode", "PUT", "outcome", "OK")).isEqualTo(ROWS);
    assertThat(m1.value("floe_requests_total", "opcode", "GET", "outcome", "OK")).isEqualTo(ROWS);
    assertThat(m1.value("floe_requests_total", "opcode", "GET", "outcome", "TABLE_NOT_FOUND"))
        .isEqualTo(1);
    assertThat(m1.value("floe_request_duration_seconds_count", "opcode", "PUT"))
        .as("the connection's first request and every eighth after it")
        .isEqualTo(3);
    assertThat(m1.value("floe_request_duration_seconds_bucket", "opcode", "PUT", "le", "+Inf"))
        .isEqualTo(3);
    assertThat(m1.value("floe_wal_objects_total")).isPositive();
    assertThat(m1.value("floe_wal_written_bytes_total")).isPositive();
    assertThat(m1.value("floe_wal_puts_total"))
        .isGreaterThanOrEqualTo(m1.value("floe_wal_objects_total"));
    assertThat(m1.value("floe_replication_sent_entries_total")).isGreaterThanOrEqualTo(ROWS);
    assertThat(m1.value("floe_replication_commit_waits_total")).isEqualTo(ROWS);
    assertThat(m1.value("floe_replication_commit_rounds_seconds_count"))
        .isBetween(1.0, (double) ROWS);
    assertThat(m1.value("floe_partitions", "state", "NORMAL", "role", "LEADER")).isEqualTo(1);
    assertThat(m1.value("floe_rows", "role", "LEADER")).isEqualTo(ROWS);
    assertThat(m1.value("floe_memory_budget_used_bytes")).isPositive();
    assertThat(m1.value("floe_loads_seconds_count", "role", "LEADER")).isEqualTo(1);

    // The follower applied what it was sent and refused the write it does not lead.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(scrape(follower).value("floe_replication_applied_entries_total"))
                    .isEqualTo(ROWS));
    Scrape m2 = scrape(follower);
    assertThat(m2.samples()).allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "m2"));
    assertThat(m2.value("floe_requests_total", "opcode", "PUT", "outcome", "NOT_LEADER"))
        .isEqualTo(1);
    assertThat(m2.find("floe_requests_total", "opcode", "PUT", "outcome", "OK")).isEmpty();
    assertThat(m2.value("floe_requests_total", "opcode", "APPEND", "outcome", "OK")).isPositive();
    assertThat(m2.value("floe_replication_received_blocks_total", "answer", "OK")).isPositive();
    assertThat(m2.value("floe_replication_behind_leader_entries")).isZero();
    assertThat(m2.value("floe_partitions", "state", "NORMAL", "role", "FOLLOWER")).isEqualTo(1);
    assertThat(m2.value("floe_rows", "role", "FOLLOWER")).isEqualTo(ROWS);
    assertThat(m2.value("floe_loads_seconds_count", "role", "FOLLOWER")).isEqualTo(1);
    assertThat(m2.value("floe_wal_objects_total")).as("a follower ships nothing").isZero();
  }

  @Test
  void onlyGetMetricsIsServedAndClosingTheNodeStopsServing() throws Exception {
    assertThat(get(leader, "/metrics").statusCode()).isEqualTo(200);
    assertThat(get(leader, "/").statusCode()).isEqualTo(404);
    URI uri = URI.create("http://127.0.0.1:" + leader.metricsPort().getAsInt() + "/metrics");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

    open.remove(leader);
    leader.close();
    assertThatThrownBy(() -> get(leader, "/metrics")).isInstanceOf(IOException.class);
  }
}
