package io.floe.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.expiry.ExpirySweeper;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.partition.RowExpiry;
import io.floe.dataplane.recovery.NodeDurability;
import io.floe.dataplane.replication.ReplicationStats;
import io.floe.dataplane.server.RequestProcessor;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.Scrape;
import io.floe.dataplane.wal.MemoryWalSink;
import io.floe.dataplane.wal.WalSinks;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's parts in this JVM, without sockets — its tables, memory budget, request processor and S3
 * side over an in-memory store — and the meters bound to them the way {@code DataNode} binds them:
 * after a few requests, a snapshot, a failed PUT and an expiry sweep, the scrape parses and holds
 * every family with the values those caused.
 */
@Timeout(60)
class NodeMetricsTest {
  static final String TABLE = "db.items";

  private final FailingObjectStore store = new FailingObjectStore();
  private final TableRegistry tables = new TableRegistry();
  private final MemoryBudget budget = new MemoryBudget(64L << 20);
  private final AtomicLong wallMicros = new AtomicLong(System.currentTimeMillis() * 1000);
  private final ExpirySweeper sweeper = new ExpirySweeper(tables::all, 1000);
  private NodeDurability durability;
  private WalSinks sinks;
  private RequestProcessor processor;
  private NodeMetrics metrics;

  @BeforeEach
  void start() {
    Properties settings = new Properties();
    settings.setProperty("wal.flush-interval", "5ms");
    settings.setProperty("wal.stats-interval", "1ms"); // every flush closes a stats window
    durability = NodeDurability.start(store, "n1", settings);
    sinks = durability.sinks();
    TableHosting hosting =
        new TableHosting(tables, budget, sinks, durability.replicaLoader(), durability.loading());
    processor = new RequestProcessor(tables, hosting, () -> "127.0.0.1:7400");
    metrics =
        new NodeMetrics("n1")
            .bind(new PartitionMetrics(tables, budget, sweeper))
            .bind(new ReplicationMetrics(tables, new ReplicationStats()))
            .bind(new DurabilityMetrics(durability));
  }

  @AfterEach
  void stop() {
    sinks.close();
    durability.close();
    metrics.close();
  }

  private Response call(Request request) throws Exception {
    return processor.process(request).get(20, TimeUnit.SECONDS);
  }

  private static byte[] row(long id) {
    return IdNameTable.ROWS.encode(new Row(id, "name-" + id));
  }

  @Test
  void theScrapeHoldsEveryFamilyWithTheValuesTheNodesWorkCaused() throws Exception {
    call(
        new Request.CreateTable(
            TABLE, 7, SchemaParser.toJson(IdNameTable.SCHEMA), 2, Durability.S3));
    store.failNextCreates.set(1); // the next WAL object's first PUT fails, its retry lands
    for (long id = 1; id <= 10; id++) {
      assertThat(call(new Request.Put(TABLE, row(id)))).isInstanceOf(Response.Written.class);
    }
    HostedTable items = tables.get(TABLE);
    Partition snapshotted = items.partition(0);
    durability.snapshotter().snapshot(snapshotted, IdNameTable.SCHEMA);
    int swept = expiredRowsSwept(3);

    Scrape scrape = Scrape.parse(metrics.scrape());

    // What the node holds: 2 replicas of db.items, 1 of the TTL table, all leading and serving.
    assertThat(scrape.value("floe_tables", "node", "n1")).isEqualTo(2);
    assertThat(scrape.value("floe_partitions", "state", "NORMAL", "role", "LEADER")).isEqualTo(3);
    assertThat(scrape.value("floe_partitions", "state", "LOADING", "role", "LEADER")).isZero();
    assertThat(scrape.value("floe_partitions", "state", "NORMAL", "role", "FOLLOWER")).isZero();
    assertThat(scrape.value("floe_rows", "role", "LEADER")).isEqualTo(10);
    long held =
        items.partition(0).status().memoryBytes() + items.partition(1).status().memoryBytes();
    assertThat(scrape.value("floe_partition_memory_bytes", "role", "LEADER"))
        .isEqualTo(held)
        .isPositive();
    assertThat(scrape.value("floe_memory_budget_used_bytes")).isEqualTo(budget.used());
    assertThat(scrape.value("floe_memory_budget_limit_bytes")).isEqualTo(64L << 20);
    assertThat(scrape.value("floe_expiry_swept_rows_total")).isEqualTo(swept).isEqualTo(3);

    // WAL shipping: every put was durable in S3 before it was answered.
    var wal = durability.shipper();
    assertThat(scrape.value("floe_wal_objects_total")).isEqualTo(wal.objectsWritten()).isPositive();
    assertThat(scrape.value("floe_wal_puts_total"))
        .isEqualTo(wal.putRequests())
        .isEqualTo(wal.objectsWritten() + 1);
    assertThat(scrape.value("floe_wal_put_failures_total")).isEqualTo(1);
    assertThat(scrape.value("floe_wal_written_bytes_total")).isEqualTo(wal.bytesWritten());
    assertThat(scrape.value("floe_wal_unshipped_bytes")).isZero();
    assertThat(scrape.value("floe_wal_fenced")).isZero();
    assertThat(scrape.value("floe_wal_lag_seconds_count")).isEqualTo(10);
    assertThat(scrape.value("floe_wal_lag_seconds_sum")).isPositive().isLessThan(20);
    assertThat(scrape.value("floe_wal_lag_window_max_seconds"))
        .isPositive()
        .isGreaterThanOrEqualTo(scrape.value("floe_wal_lag_window_p99_seconds"));

    // One snapshot committed; the two partitions of db.items were loaded from S3 as leaders.
    assertThat(scrape.value("floe_snapshots_seconds_count")).isEqualTo(1);
    assertThat(scrape.value("floe_snapshots_seconds_sum")).isPositive();
    assertThat(scrape.value("floe_snapshot_failures_total")).isZero();
    assertThat(scrape.value("floe_snapshot_written_bytes_total")).isPositive();
    assertThat(scrape.value("floe_loads_seconds_count", "role", "LEADER")).isEqualTo(2);
    assertThat(scrape.value("floe_loads_seconds_sum", "role", "LEADER")).isPositive();
    assertThat(scrape.value("floe_loads_seconds_count", "role", "FOLLOWER")).isZero();
    assertThat(scrape.value("floe_load_failures_total", "role", "LEADER")).isZero();

    // Nothing here is replicated: the families are there, at zero.
    assertThat(scrape.value("floe_replication_follower_lag_entries")).isZero();
    assertThat(scrape.value("floe_replication_sent_entries_total")).isZero();
    assertThat(scrape.sum("floe_replication_received_blocks_total")).isZero();
    assertThat(scrape.value("floe_replication_commit_waits_total")).isZero();

    // The JVM's own, and the node tag on every series.
    assertThat(scrape.sum("jvm_memory_used_bytes")).isPositive();
    assertThat(scrape.samples())
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "n1"));
  }

  /**
   * Hosts a table whose rows live 1 s, writes {@code rows}, lets a second pass on the test's clock
   * and sweeps; returns what the sweep removed.
   */
  private int expiredRowsSwept(int rows) {
    RowExpiry expiry = RowExpiry.after(1_000, wallMicros::get);
    Partition p = new Partition(8, 0, budget, new MemoryWalSink(), expiry);
    p.becomeLeader(1);
    p.markNormal();
    tables.addIfAbsent(
        new HostedTable(
            "db.ttl",
            8,
            IdNameTable.SCHEMA,
            Durability.MEMORY,
            1,
            OptionalLong.of(1_000),
            new Partition[] {p},
            budget));
    for (long id = 1; id <= rows; id++) {
      byte[] row = row(id);
      p.write(List.of(PartitionWrite.put(IdNameTable.KEYS.encode(new Row(id, null)), row)), -1);
    }
    wallMicros.addAndGet(1_001_000);
    return (int) sweeper.sweepOnce();
  }
}
