package io.floe.local;

import io.floe.cli.CliEnvironment;
import io.floe.cli.Floe;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.client.control.ControlClient;
import io.floe.client.control.ControlConfig;
import io.floe.client.control.ControlException;
import io.floe.client.control.NewTable;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the local cluster shows when it starts: a table {@code demo.kv} of 3 partitions with 3
 * replicas each ({@code durability=replicated}) created through the control plane's HTTP API, rows
 * written and read back through the Java client, and {@code floe ns showtable} / {@code showtablet}
 * as the CLI prints them. On a restart the table is already there and its rows come back from S3
 * before more are written.
 */
final class LocalDemo {
  static final String TABLE = "demo.kv";
  static final int ROWS = 1000;
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("score", ColumnType.FLOAT64, true)),
          List.of("id"));

  private final ControlClient control;
  private final List<String> controlUrls;
  private final List<DataNode> nodes;

  LocalDemo(List<String> controlUrls, List<DataNode> nodes) {
    this.controlUrls = controlUrls;
    this.control = ControlClient.connect(ControlConfig.of(controlUrls.toArray(String[]::new)));
    this.nodes = nodes;
  }

  List<String> run() throws InterruptedException {
    try {
      List<String> report = new ArrayList<>();
      boolean created = createTableIfAbsent();
      report.add(
          (created ? "created " : "found ")
              + TABLE
              + " through the control API (3 partitions, 3 replicas each over "
              + nodes.size()
              + " nodes, durability replicated)");
      String[] seeds = nodes.stream().map(DataNode::endpoint).toArray(String[]::new);
      try (FloeClient client = FloeClient.connect(seeds)) {
        FloeTable table = awaitWritable(client);
        long before = rowCount(table);
        if (!created) {
          report.add(before + " rows reloaded from S3 after the restart");
        }
        List<Row> rows = new ArrayList<>();
        for (long id = before + 1; id <= before + ROWS; id++) {
          rows.add(new Row(id, "row " + id, id * 0.5));
        }
        long started = System.nanoTime();
        table.putAll(rows);
        long micros = (System.nanoTime() - started) / 1000;
        Row back = table.get(before + ROWS);
        report.add(
            "put "
                + ROWS
                + " rows in "
                + micros / 1000
                + " ms, each acknowledged by 2 of its 3 replicas; get("
                + (before + ROWS)
                + ") = "
                + back);
        report.add("rows now: " + rowCount(table));
      }
      return report;
    } finally {
      control.close();
    }
  }

  /** {@code floe ns <command>} as the CLI prints it, run in this process. */
  List<String> floe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--endpoint", String.join(",", controlUrls)));
    all.addAll(List.of(args));
    Floe.run(
        all.toArray(String[]::new),
        CliEnvironment.system(),
        new PrintWriter(out, true),
        new PrintWriter(err, true));
    List<String> lines = new ArrayList<>(out.toString().lines().toList());
    lines.addAll(err.toString().lines().toList());
    return lines;
  }

  private boolean createTableIfAbsent() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try {
        if (control.listTables(false).stream().anyMatch(t -> t.name().equals(TABLE))) {
          return false;
        }
        control.createTable(new NewTable(TABLE, SCHEMA, 3, 3, Durability.REPLICATED, null));
        return true;
      } catch (ControlException e) {
        // no leader elected yet, or the nodes not all registered: a moment
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Partitions load after the nodes see their assignments: wait until all serve. */
  private FloeTable awaitWritable(FloeClient client) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        FloeTable table = client.table(TABLE);
        if (table.status().stream().allMatch(s -> s.state() == PartitionState.NORMAL)) {
          table.get(0L); // every leader answers
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
}
