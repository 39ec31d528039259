package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifestParser;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sequence that once left a partition unloadable for good, run as a user would: one node
 * process with small snapshot thresholds, an {@code s3} table, waves of puts until a snapshot is
 * committed, then a clean stop and a start, again and again. Every start must serve exactly the
 * acknowledged rows.
 */
@Timeout(180)
class SnapshotRestartIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true)),
          List.of("id"));
  static final long TID = 11;

  DataNode start() {
    Properties props = new Properties();
    props.putAll(S3.settings());
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty("node.id", "n1");
    props.setProperty("cluster.name", "cycles");
    props.setProperty("snapshot.wal-bytes", "16KiB");
    return DataNode.start(NodeConfig.of(props));
  }

  @Test
  void snapshotsAndCleanRestartsTwelveTimesOver() throws Exception {
    Random random = new Random(11);
    TreeMap<Long, String> model = new TreeMap<>();
    try (ObjectStore store =
        new S3ObjectStore(ObjectStoreConfig.fromProperties(S3.settings()).forCluster("cycles"))) {
      VersionedObjects manifests = VersionedObjects.partitionManifests(store, TID, 0);
      for (int cycle = 1; cycle <= 12; cycle++) {
        try (DataNode node = start();
            FloeClient client = FloeClient.connect(ClientConfig.of(node.endpoint()))) {
          client.createTable("db.cycles", TID, SCHEMA, 1, Durability.S3);
          FloeTable table = client.table("db.cycles");
          assertThat(rows(table)).as("rows after start %d", cycle).isEqualTo(model);
          int snapshotsBefore = snapshots(store, manifests);
          String tag = "c" + cycle;
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    write(table, random, model, tag);
                    return snapshots(store, manifests) > snapshotsBefore;
                  });
          write(table, random, model, "after-snapshot-" + cycle);
        }
      }
    }
  }

  private static void write(
      FloeTable table, Random random, TreeMap<Long, String> model, String tag) {
    // one batch per call: an s3 write waits for its group commit (200 ms), a batch waits once
    Map<Long, String> batch = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      batch.put((long) random.nextInt(400), tag + "-" + i + "-" + "x".repeat(random.nextInt(60)));
    }
    List<Row> rows = new java.util.ArrayList<>();
    batch.forEach((id, name) -> rows.add(new Row(id, name)));
    table.putAll(rows);
    model.putAll(batch);
  }

  private static int snapshots(ObjectStore store, VersionedObjects manifests) {
    return manifests
        .latest()
        .map(v -> PartitionManifestParser.fromJson(v.bytes(), v.version()))
        .map(PartitionManifest::snapshots)
        .map(List::size)
        .orElse(0);
  }

  private static TreeMap<Long, String> rows(FloeTable table) {
    TreeMap<Long, String> out = new TreeMap<>();
    for (Row r : table.scan(KeyRange.all(), Integer.MAX_VALUE)) {
      out.put((Long) r.get(0), (String) r.get(1));
    }
    return out;
  }
}
