package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.testsupport.s3.S3Extension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partial updates are logged as row patches (the changed columns only, wal-object.md §2.6): a node
 * restarted from S3, again and again, with snapshots taken in between, holds exactly the rows a
 * model of every acknowledged put, update and delete says — each patch applied to the row its entry
 * follows, whether that row came from the snapshot or from the WAL.
 */
@Timeout(300)
class PartialUpdateRecoveryIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("a", ColumnType.STRING, true),
              new Column("b", ColumnType.INT64, true),
              new Column("c", ColumnType.STRING, false)),
          List.of("id"));
  static final String[] COLUMNS = {"a", "b", "c"};
  static final long TID = 12;
  static final String CLUSTER = "patches";

  DataNode start() {
    Properties props = new Properties();
    props.putAll(S3.settings());
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty("node.id", "n1");
    props.setProperty("cluster.name", CLUSTER);
    props.setProperty("snapshot.wal-bytes", "32KiB");
    return DataNode.start(NodeConfig.of(props));
  }

  @Test
  void updatesLoggedAsPatchesSurviveRestartsAndSnapshots() throws Exception {
    Random random = new Random(12);
    TreeMap<Long, Object[]> model = new TreeMap<>();
    for (int cycle = 1; cycle <= 8; cycle++) {
      try (DataNode node = start();
          FloeClient client = FloeClient.connect(ClientConfig.of(node.endpoint()))) {
        client.createTable("db.patches", TID, SCHEMA, 3, Durability.S3);
        FloeTable table = client.table("db.patches");
        assertThat(rows(table)).as("rows after start %d", cycle).isEqualTo(lists(model));
        for (int round = 0; round < 4; round++) {
          write(table, random, model, "c" + cycle + "r" + round);
        }
        assertThat(rows(table)).as("rows before stop %d", cycle).isEqualTo(lists(model));
      }
    }
    try (ObjectStore store =
        new S3ObjectStore(ObjectStoreConfig.fromProperties(S3.settings()).forCluster(CLUSTER))) {
      long withPatches =
          store
              .list("wal/")
              .filter(o -> o.size() >= 8)
              .map(o -> store.getRange(o.key(), 4, 2))
              .filter(version -> version[0] == 2 && version[1] == 0)
              .count();
      assertThat(withPatches).as("WAL objects of format version 2 (holding patches)").isPositive();
    }
  }

  /**
   * Puts new rows, then updates random columns of existing ones, deletes a few; all acknowledged.
   */
  private static void write(
      FloeTable table, Random random, TreeMap<Long, Object[]> model, String tag) {
    List<Row> puts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long id = random.nextInt(300);
      Object[] values = {id, tag + "-a" + i, (long) random.nextInt(1000), tag + "-c" + i};
      puts.add(new Row(values));
      model.put(id, values);
    }
    table.putAll(puts);
    List<CompletableFuture<Long>> updates = new ArrayList<>();
    List<Long> ids = new ArrayList<>(model.keySet());
    for (int i = 0; i < 200; i++) {
      long id = ids.get(random.nextInt(ids.size()));
      Map<String, Object> columns = new LinkedHashMap<>();
      for (int c = 0; c < COLUMNS.length; c++) {
        if (random.nextInt(3) == 0) {
          columns.put(COLUMNS[c], value(c, random, tag + "-u" + i));
        }
      }
      if (columns.isEmpty()) {
        columns.put("b", null);
      }
      Object[] row = model.get(id).clone();
      columns.forEach((name, value) -> row[1 + Arrays.asList(COLUMNS).indexOf(name)] = value);
      model.put(id, row);
      updates.add(table.updateAsync(columns, id));
    }
    CompletableFuture.allOf(updates.toArray(CompletableFuture[]::new)).join();
    List<CompletableFuture<DeleteResult>> deletes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long id = ids.get(random.nextInt(ids.size()));
      if (model.remove(id) != null) {
        deletes.add(table.deleteAsync(id));
      }
    }
    CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).join();
  }

  private static Object value(int column, Random random, String text) {
    return switch (column) {
      case 0 -> random.nextBoolean() ? null : text;
      case 1 -> random.nextBoolean() ? null : (Object) (long) random.nextInt(1_000_000);
      default -> text + "x".repeat(random.nextInt(40));
    };
  }

  private static TreeMap<Long, List<Object>> rows(FloeTable table) {
    TreeMap<Long, List<Object>> out = new TreeMap<>();
    for (Row r : table.scan(KeyRange.all(), Integer.MAX_VALUE)) {
      out.put((Long) r.get(0), Arrays.asList(r.values()));
    }
    return out;
  }

  private static TreeMap<Long, List<Object>> lists(TreeMap<Long, Object[]> model) {
    TreeMap<Long, List<Object>> out = new TreeMap<>();
    model.forEach((id, values) -> out.put(id, Arrays.asList(values)));
    return out;
  }
}
