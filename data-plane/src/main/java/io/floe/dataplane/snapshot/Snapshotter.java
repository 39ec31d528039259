package io.floe.dataplane.snapshot;

import io.floe.core.manifest.PartitionManifest;
import io.floe.core.manifest.PartitionManifest.SnapshotRef;
import io.floe.core.manifest.PartitionManifest.TailPointer;
import io.floe.core.manifest.PartitionManifest.WalRange;
import io.floe.core.snapshot.SnapshotKeys;
import io.floe.core.snapshot.SnapshotWriteOptions;
import io.floe.core.snapshot.SnapshotWriter;
import io.floe.core.snapshot.SnapshotWriter.SnapshotFile;
import io.floe.core.storage.ObjectStore;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.KeyedRow;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionView;
import io.floe.dataplane.recovery.PartitionManifests;
import io.floe.dataplane.wal.ShippedLog;
import io.floe.dataplane.wal.WalShipper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a partition's Parquet snapshot at an exact offset while writes go on (an MVCC view), then
 * commits a manifest naming it, the WAL ranges after it and this node's stream as the tail. Old
 * snapshots and WAL objects stay (garbage collection comes later). One snapshot per partition at a
 * time.
 */
public final class Snapshotter {
  private final ObjectStore store;
  private final WalShipper shipper;
  private final SnapshotWriteOptions options;
  private final Path tempDir;

  public Snapshotter(
      ObjectStore store, WalShipper shipper, SnapshotWriteOptions options, Path tempDir) {
    this.store = store;
    this.shipper = shipper;
    this.options = options;
    this.tempDir = tempDir;
  }

  /** Snapshots the partition now; returns the manifest committed. */
  public PartitionManifest snapshot(Partition partition, Schema schema) {
    synchronized (partition.role()) {
      SnapshotRef ref = write(partition, schema);
      ShippedLog log = shipper.shippedLog(partition.tableId(), partition.id());
      PartitionManifests manifests =
          new PartitionManifests(store, partition.tableId(), partition.id());
      PartitionManifest base = manifests.latest();
      PartitionManifest next = next(base, ref, log);
      manifests.commit(next);
      shipper.forget(partition.tableId(), partition.id(), log);
      return next;
    }
  }

  private SnapshotRef write(Partition partition, Schema schema) {
    RowCodec rows = new RowCodec(schema);
    try (PartitionView view = partition.openView()) {
      long term = partition.role().term();
      String key =
          SnapshotKeys.dataFile(partition.tableId(), partition.id(), view.offset(), term, 0);
      SnapshotFile file;
      try (SnapshotWriter writer = new SnapshotWriter(store, key, schema, options, tempDir)) {
        for (KeyedRow row : view) {
          writer.write(rows.decode(row.row()), row.offset(), row.timestamp());
        }
        file = writer.finish();
      }
      return new SnapshotRef(view.offset(), term, List.of(key), file.rowCount(), file.size());
    }
  }

  private PartitionManifest next(PartitionManifest base, SnapshotRef ref, ShippedLog log) {
    List<WalRange> ranges = new ArrayList<>();
    for (WalRange r : base.walRanges()) {
      if (r.lastOffset() > ref.offset()) {
        ranges.add(r);
      }
    }
    for (WalRange r : log.ranges()) {
      if (r.lastOffset() > ref.offset()) {
        ranges.add(r);
      }
    }
    List<SnapshotRef> snapshots = new ArrayList<>(base.snapshots());
    snapshots.add(ref);
    return new PartitionManifest(
        base.tableId(),
        base.partitionId(),
        base.version() + 1,
        base.schemaId(),
        snapshots,
        ranges,
        base.termHistory(),
        Optional.of(new TailPointer(shipper.node(), shipper.incarnation(), log.nextSeq())));
  }
}
