package io.floe.dataplane.recovery;

import static io.floe.dataplane.recovery.PartitionLoaderTest.name;
import static io.floe.dataplane.recovery.PartitionLoaderTest.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.RowExpiry;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table with a TTL reloaded from S3 (snapshot, WAL ranges, sealed tail) with a clock the test
 * moves: rows that expired after the snapshot was written, or in the WAL, never come back (spec.md
 * §14.8–9).
 */
@Timeout(60)
class ExpiryRecoveryTest {
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final long T0 = 1_700_000_000_000_000L;
  static final long MS = 1_000;
  static final long TTL_MS = 300;

  @TempDir Path temp;
  final FailingObjectStore store = new FailingObjectStore();
  final AtomicLong now = new AtomicLong(T0);
  final List<WalShipper> shippers = new ArrayList<>();

  @AfterEach
  void closeShippers() {
    shippers.forEach(WalShipper::close);
  }

  /** A new process's stream: the one before it is left unclosed, as after a crash. */
  WalShipper shipper(long incarnation) {
    WalShipper shipper =
        new WalShipper(
            store,
            "n1",
            incarnation,
            WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(10)));
    shippers.add(shipper);
    return shipper;
  }

  Partition loaded(WalShipper shipper, MemoryBudget budget) {
    Partition p = new Partition(5, 0, budget, shipper, RowExpiry.after(TTL_MS, now::get));
    new PartitionLoader(store, shipper, temp).load(p, SCHEMA, 1);
    return p;
  }

  Snapshotter snapshotter(WalShipper shipper) {
    return new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), temp);
  }

  @Test
  void rowsThatExpiredAfterTheSnapshotOrInTheWalAreNotLoadedAgain() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first, new MemoryBudget(1L << 30));
    for (long id = 1; id <= 100; id++) {
      put(p, id, "a" + id);
    }
    now.set(T0 + 100 * MS);
    for (long id = 101; id <= 150; id++) {
      put(p, id, "b" + id);
    }
    PartitionManifest snapshotted = snapshotter(first).snapshot(p, SCHEMA);
    assertThat(snapshotted.latestSnapshot().orElseThrow().rowCount()).isEqualTo(150);
    now.set(T0 + 250 * MS);
    for (long id = 151; id <= 200; id++) {
      put(p, id, "c" + id);
    }
    put(p, 1, "renewed");
    long offset = p.offset();

    // Past the TTL of rows 1-100 (held by the snapshot), the process dies and the next loads.
    now.set(T0 + (TTL_MS + 1) * MS);
    MemoryBudget budget = new MemoryBudget(1L << 30);
    Partition second = loaded(shipper(2), budget);
    assertThat(second.offset()).isEqualTo(offset);
    assertThat(name(second, 2)).isNull();
    assertThat(name(second, 100)).isNull();
    assertThat(name(second, 1)).isEqualTo("renewed");
    assertThat(name(second, 101)).isEqualTo("b101");
    assertThat(name(second, 200)).isEqualTo("c200");
    assertThat(second.status().rowCount()).as("1, 101-150, 151-200").isEqualTo(101);
    assertThat(budget.used()).isEqualTo(second.status().memoryBytes());

    // Later still, the rows written after the snapshot (in the WAL only) expire as well.
    now.set(T0 + (100 + TTL_MS + 1) * MS);
    Partition third = loaded(shipper(3), new MemoryBudget(1L << 30));
    assertThat(third.offset()).isEqualTo(offset);
    assertThat(name(third, 150)).isNull();
    assertThat(third.status().rowCount()).as("1, 151-200").isEqualTo(51);
    assertThat(third.scan(null, true, null, true, 1_000)).hasSize(51);
  }

  @Test
  void aSnapshotLeavesOutTheRowsExpiredAtItsCutInstant() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first, new MemoryBudget(1L << 30));
    for (long id = 1; id <= 10; id++) {
      put(p, id, "old" + id);
    }
    now.set(T0 + 400 * MS);
    put(p, 11, "new");
    assertThat(p.status().rowCount()).as("not swept: still held").isEqualTo(11);

    PartitionManifest snapshotted = snapshotter(first).snapshot(p, SCHEMA);
    assertThat(snapshotted.latestSnapshot().orElseThrow().rowCount()).isOne();
    Partition reloaded = loaded(shipper(2), new MemoryBudget(1L << 30));
    assertThat(reloaded.status().rowCount()).isOne();
    assertThat(name(reloaded, 11)).isEqualTo("new");
  }
}
