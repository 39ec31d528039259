package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.KeyedRow;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifestParser;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cycles of writes, snapshots and restarts of one partition (clean stops and crashes) against a
 * reference model: every restart must load exactly the acknowledged state, and every manifest the
 * node committed must pass the reader's checks — a manifest the loader itself wrote must always
 * load again.
 */
@Timeout(120)
class SnapshotRestartCycleTest {
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final RowCodec ROWS = IdNameTable.ROWS;
  static final KeyCodec KEYS = IdNameTable.KEYS;
  static final long TID = 9;

  @TempDir Path temp;
  final FailingObjectStore store = new FailingObjectStore();
  final List<WalShipper> crashed = new ArrayList<>();
  long incarnation;

  @org.junit.jupiter.api.AfterEach
  void stopCrashedShippers() {
    crashed.forEach(WalShipper::close);
  }

  WalShipper shipper(Duration flushInterval) {
    return new WalShipper(
        store, "n1", ++incarnation, WalShipperSettings.defaults().withFlushInterval(flushInterval));
  }

  MemoryBudget budget;

  Partition load(WalShipper shipper) {
    budget = new MemoryBudget(1L << 30);
    Partition p = new Partition(TID, 0, budget, shipper);
    new PartitionLoader(store, shipper, temp).load(p, SCHEMA, 1);
    return p;
  }

  /**
   * The sequence that left a partition unloadable: a snapshot whose last entries were not yet
   * shipped (its manifest's tail points at the object that will hold them), then two clean
   * restarts.
   */
  @Test
  void aSnapshotAheadOfTheShippedLogSurvivesRepeatedRestarts() throws Exception {
    WalShipper first = shipper(Duration.ofHours(1));
    Partition p = load(first);
    for (long id = 1; id <= 50; id++) {
      write(p, id, "v" + id);
    }
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(p, SCHEMA);
    first.close(); // the clean stop ships offsets 1..50 after the snapshot's manifest
    for (int restart = 1; restart <= 3; restart++) {
      WalShipper next = shipper(Duration.ofMillis(10));
      Partition reloaded = load(next);
      assertThat(reloaded.offset()).isEqualTo(50);
      assertThat(reloaded.status().rowCount()).isEqualTo(50);
      next.close();
    }
    assertEveryManifestReads();
  }

  @Test
  void sixtyCyclesOfWritesSnapshotsAndRestartsLoseNothing() throws Exception {
    Random random = new Random(20261129L);
    TreeMap<Long, String> model = new TreeMap<>();
    WalShipper shipper = shipper(Duration.ofMillis(20));
    Partition p = load(shipper);
    int snapshots = 0;
    boolean cleanStop = random.nextBoolean();
    for (int cycle = 1; cycle <= 60; cycle++) {
      List<CompletableFuture<Void>> durable = new ArrayList<>();
      int waves = 1 + random.nextInt(3);
      for (int wave = 0; wave < waves; wave++) {
        for (int i = random.nextInt(120); i > 0; i--) {
          long id = random.nextInt(200);
          if (random.nextInt(5) == 0) {
            durable.add(delete(p, id));
            model.remove(id);
          } else {
            String name = "c" + cycle + "-" + i;
            durable.add(write(p, id, name));
            model.put(id, name);
          }
        }
        if (random.nextBoolean()) {
          // often while the wave's last entries are still waiting for the next flush
          new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), temp)
              .snapshot(p, SCHEMA);
          snapshots++;
        }
      }
      if (cleanStop) {
        shipper.close(); // clean stop: flushes
      } else {
        // crash: what was acknowledged durable is in S3; the process just stops writing
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new))
            .get(10, TimeUnit.SECONDS);
        p.role().fence();
        crashed.add(shipper);
      }
      long offset = p.offset();
      long memory = p.status().memoryBytes();
      cleanStop = random.nextBoolean();
      // before a clean stop, often nothing ships until the stop: every snapshot runs ahead of S3
      shipper = shipper(Duration.ofMillis(cleanStop && random.nextBoolean() ? 3_600_000 : 20));
      p = load(shipper);
      assertThat(p.offset()).as("offset after restart %d", cycle).isEqualTo(offset);
      assertThat(contents(p)).as("rows after restart %d", cycle).isEqualTo(model);
      assertThat(p.status().rowCount()).isEqualTo(model.size());
      assertThat(p.status().memoryBytes()).as("memory after restart %d", cycle).isEqualTo(memory);
      assertThat(budget.used()).as("the budget holds what the partition holds").isEqualTo(memory);
      assertEveryManifestReads();
    }
    shipper.close();
    assertThat(snapshots).as("the cycles took snapshots").isGreaterThan(30);
  }

  private void assertEveryManifestReads() {
    VersionedObjects versions = VersionedObjects.partitionManifests(store, TID, 0);
    long newest = versions.latest().orElseThrow().version();
    for (long v = 1; v <= newest; v++) {
      PartitionManifest m =
          PartitionManifestParser.fromJson(store.get(versions.keyOf(v)), v); // checks §8
      assertThat(m.version()).isEqualTo(v);
    }
  }

  private static TreeMap<Long, String> contents(Partition p) {
    TreeMap<Long, String> rows = new TreeMap<>();
    for (KeyedRow r : p.scan(null, true, null, true, Integer.MAX_VALUE)) {
      Row row = ROWS.decode(r.row());
      rows.put((Long) row.get(0), (String) row.get(1));
    }
    return rows;
  }

  private static CompletableFuture<Void> write(Partition p, long id, String name) {
    Row row = new Row(id, name);
    return p.write(List.of(PartitionWrite.put(KEYS.encode(row), ROWS.encode(row))), -1).durable();
  }

  private static CompletableFuture<Void> delete(Partition p, long id) {
    return p.write(List.of(PartitionWrite.delete(KEYS.encodeKey(id))), -1).durable();
  }
}
