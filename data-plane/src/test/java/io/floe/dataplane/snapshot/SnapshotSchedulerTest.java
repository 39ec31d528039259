package io.floe.dataplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.recovery.PartitionLoader;
import io.floe.dataplane.recovery.PartitionManifests;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.object.memory.InMemoryObjectStore;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's triggers, on a real clock: checkpoints, and a snapshot when ranges pile up. */
@Timeout(60)
class SnapshotSchedulerTest {
  @TempDir Path temp;
  final InMemoryObjectStore store = new InMemoryObjectStore();

  @Test
  void checkpointsMoveTheTailAndManyRangesCallForASnapshot() throws Exception {
    WalShipper shipper =
        new WalShipper(
            store, "n1", 1, WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(5)));
    MemoryBudget budget = new MemoryBudget(1L << 30);
    Partition p = new Partition(9, 0, budget, shipper);
    new PartitionLoader(store, shipper, temp).load(p, IdNameTable.SCHEMA, 1);
    HostedTable table =
        new HostedTable("db.t", 9, IdNameTable.SCHEMA, Durability.S3, new Partition[] {p}, budget);
    Properties settings = new Properties();
    settings.setProperty(SnapshotScheduler.CHECKPOINT_INTERVAL, "100ms");
    // A small partition: its snapshot costs a load less than a dozen GETs of WAL objects would.
    settings.setProperty(SnapshotScheduler.WAL_RANGES_MIN, "12");
    Snapshotter snapshotter =
        new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), temp);
    PartitionManifests manifests = new PartitionManifests(store, 9, 0);
    try (SnapshotScheduler scheduler =
        new SnapshotScheduler(snapshotter, shipper, () -> List.of(table), settings)) {
      long id = 0;
      // A few writes, each its own WAL object: a checkpoint lists them, no snapshot yet.
      for (; id < 4; id++) {
        put(p, id);
      }
      long written = p.offset();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> manifests.latest(1).lastOffset() == written);
      PartitionManifest checkpointed = manifests.latest(1);
      assertThat(checkpointed.snapshots()).isEmpty();
      assertThat(checkpointed.tail().orElseThrow().nextSeq()).isEqualTo(shipper.nextSeq());
      // More: past 12 listed ranges a snapshot is cut (far below the 2,000 of snapshot.wal-ranges),
      // and the manifest lists fewer again.
      for (; id < 20; id++) {
        put(p, id);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !manifests.latest(1).snapshots().isEmpty());
      assertThat(manifests.latest(1).walRanges().size()).isLessThan(12);
    } finally {
      shipper.close();
    }
  }

  private static void put(Partition p, long id) throws Exception {
    Row row = new Row(id, "v" + id);
    p.write(
            List.of(PartitionWrite.put(IdNameTable.KEYS.encode(row), IdNameTable.ROWS.encode(row))),
            -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }
}
