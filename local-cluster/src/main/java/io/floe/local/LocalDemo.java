package io.floe.local;

import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the local cluster shows when it starts: a table {@code demo.kv} placed over the three nodes
 * through etcd, rows written with {@code durability=s3} and read back through the Java client, and
 * the WAL objects the nodes shipped to S3. On a restart the table is already there and its rows
 * come back from S3 before more are written.
 */
final class LocalDemo {
  static final String TABLE = "demo.kv";
  static final long TID = 1;
  static final int ROWS = 1000;
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("score", ColumnType.FLOAT64, true)),
          List.of("id"));

  private final MetaStore meta;
  private final String cluster;
  private final List<DataNode> nodes;
  private final Map<String, String> s3Settings;

  LocalDemo(MetaStore meta, String cluster, List<DataNode> nodes, Map<String, String> s3Settings) {
    this.meta = meta;
    this.cluster = cluster;
    this.nodes = nodes;
    this.s3Settings = s3Settings;
  }

  List<String> run() throws InterruptedException {
    List<String> report = new ArrayList<>();
    boolean created = createTableIfAbsent();
    report.add(
        (created ? "created " : "found ")
            + TABLE
            + " (3 partitions over "
            + nodes.size()
            + " nodes, durability s3)");
    String[] seeds = nodes.stream().map(DataNode::endpoint).toArray(String[]::new);
    try (FloeClient client = FloeClient.connect(seeds)) {
      FloeTable table = awaitWritable(client);
      long before = rowCount(table);
      if (!created) {
        report.add(before + " rows reloaded from S3 after the restart");
      }
      long first = before;
      List<Row> rows = new ArrayList<>();
      for (long id = first + 1; id <= first + ROWS; id++) {
        rows.add(new Row(id, "row " + id, id * 0.5));
      }
      long started = System.nanoTime();
      table.putAll(rows);
      long micros = (System.nanoTime() - started) / 1000;
      Row back = table.get(first + ROWS);
      report.add(
          "put "
              + ROWS
              + " rows in "
              + micros / 1000
              + " ms, acknowledged once in S3; get("
              + (first + ROWS)
              + ") = "
              + back);
      report.add("rows now: " + rowCount(table) + "; WAL objects in S3: " + walObjects());
    }
    return report;
  }

  private boolean createTableIfAbsent() {
    if (meta.get(MetaKeys.forCluster(cluster).table(TABLE)).isPresent()) {
      return false;
    }
    CatalogTable table =
        new CatalogTable(
            TID,
            "demo",
            "kv",
            SCHEMA,
            3,
            1,
            Durability.S3,
            OptionalLong.empty(),
            TableState.ACTIVE,
            OptionalLong.empty());
    new AssignmentAdmin(meta, cluster)
        .createTable(table, nodes.stream().map(DataNode::nodeId).toList());
    return true;
  }

  /** Partitions load from S3 after the nodes see their assignments: wait until all serve. */
  private FloeTable awaitWritable(FloeClient client) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        FloeTable table = client.table(TABLE);
        if (table.status().stream().allMatch(s -> s.state() == PartitionState.NORMAL)) {
          return table;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        TABLE + " did not become writable within " + READY_TIMEOUT + ": " + last, last);
  }

  private static long rowCount(FloeTable table) {
    return table.status().stream().mapToLong(PartitionStatus::rowCount).sum();
  }

  private long walObjects() {
    // the nodes' objects are under the cluster's root (spec.md §6)
    try (S3ObjectStore store =
        new S3ObjectStore(ObjectStoreConfig.fromProperties(s3Settings).forCluster(cluster))) {
      return store.list("wal/").count();
    }
  }
}
