package io.floe.dataplane.snapshot;

import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.metrics.Tally;
import io.floe.dataplane.partition.KeyedRow;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionView;
import io.floe.dataplane.recovery.PartitionManifests;
import io.floe.dataplane.wal.PartitionKey;
import io.floe.dataplane.wal.ShippedLog;
import io.floe.dataplane.wal.WalShipper;
import io.floe.storage.manifest.NextManifest;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.snapshot.SnapshotKeys;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import io.floe.storage.snapshot.SnapshotWriter;
import io.floe.storage.snapshot.SnapshotWriter.SnapshotFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cuts a partition's Parquet snapshot at an exact offset while writes go on (an MVCC view), then
 * commits a manifest naming it, the WAL ranges after it and this node's stream as the tail; between
 * snapshots, commits checkpoints (the ranges shipped since, no snapshot) that keep a new leader's
 * tail walk short. Old snapshots and WAL objects stay (garbage collection comes later). One
 * snapshot per partition at a time.
 *
 * <p>It holds no lock of the partition while it writes, uploads or commits (only its own, one per
 * partition, so that a snapshot's commit and a checkpoint's never race): a leader change never
 * waits on S3. Safety comes from the commit instead. The manifest is committed only if the
 * partition is still led here in the term the view was cut in and the newest manifest's tail is
 * still this node's own stream; the create-if-absent of the next version then loses to any new
 * leader that committed first, and a new leader that commits after it reads this snapshot's
 * manifest and seals this node's stream from its tail.
 */
public final class Snapshotter {
  private final ObjectStore store;
  private final WalShipper shipper;
  private final SnapshotWriteOptions options;
  private final Path tempDir;
  private final Tally committed = new Tally();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder checkpoints = new LongAdder();
  private final PartitionManifests.Registry manifestsByPartition;

  /**
   * The manifest this node last committed per partition, with the term it led in then: the base of
   * its next checkpoint, read from S3 again only when the term changed or a commit failed.
   */
  private final Map<PartitionKey, Committed> lastCommitted = new ConcurrentHashMap<>();

  private record Committed(long term, PartitionManifest manifest) {}

  public Snapshotter(
      ObjectStore store, WalShipper shipper, SnapshotWriteOptions options, Path tempDir) {
    this.store = store;
    this.manifestsByPartition = new PartitionManifests.Registry(store);
    this.shipper = shipper;
    this.options = options;
    this.tempDir = tempDir;
  }

  /**
   * Snapshots the partition now; returns the manifest committed.
   *
   * @throws SnapshotAbandonedException when the partition stopped being led here meanwhile
   */
  public PartitionManifest snapshot(Partition partition, Schema schema) {
    long started = System.nanoTime();
    try {
      PartitionManifest next = writeAndCommit(partition, schema);
      committed.recordSince(started);
      return next;
    } catch (RuntimeException e) {
      committed.failed();
      throw e;
    }
  }

  /**
   * Snapshots committed (with the time each took, from the view's cut to the manifest's commit) and
   * those that failed or were abandoned.
   */
  public Tally committed() {
    return committed;
  }

  /** Bytes of the snapshot files uploaded, committed or not. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  private PartitionManifest writeAndCommit(Partition partition, Schema schema) {
    long term = partition.role().term();
    SnapshotRef ref = write(partition, schema, term);
    return commitNext(
        partition,
        schema,
        term,
        true,
        (base, log, tail) ->
            NextManifest.afterSnapshot(base, schema.schemaId(), ref, log.ranges(), tail));
  }

  /** Builds the next manifest from the newest one and what was shipped since. */
  private interface Next {
    PartitionManifest after(PartitionManifest base, ShippedLog log, TailPointer tail);
  }

  /**
   * Commits the manifest {@code next} builds on the newest one, if the partition is still led here
   * in {@code term}; then the shipped ranges it lists leave the shipper's log (and, after a
   * snapshot, their bytes its count of what was shipped since the last snapshot). The checkpoint
   * thread and the snapshot thread both commit a partition's manifests: one commit at a time, each
   * built on the other's, or a snapshot written in full would lose its commit to a checkpoint.
   */
  private PartitionManifest commitNext(
      Partition partition, Schema schema, long term, boolean snapshot, Next next) {
    PartitionManifests manifests = manifestsByPartition.of(partition.tableId(), partition.id());
    synchronized (manifests) {
      PartitionManifest base = base(partition, schema, manifests, term);
      requireStillLeading(partition, term, base);
      ShippedLog log = shipper.shippedLog(partition.tableId(), partition.id());
      PartitionManifest manifest =
          next.after(
              base, log, new TailPointer(shipper.node(), shipper.incarnation(), log.nextSeq()));
      commit(manifests, partition, term, manifest);
      if (snapshot) {
        shipper.forget(partition.tableId(), partition.id(), log); // a snapshot restarts the count
      } else {
        shipper.checkpointed(partition.tableId(), partition.id(), log);
      }
      return manifest;
    }
  }

  /**
   * The manifest the next commit builds on: this node's own last commit in {@code term}, which is
   * the newest unless another writer committed since (then the create-if-absent of the next version
   * fails, and the commit after it reads S3 again), else the newest in S3.
   */
  private PartitionManifest base(
      Partition partition, Schema schema, PartitionManifests manifests, long term) {
    Committed known = lastCommitted.get(new PartitionKey(partition.tableId(), partition.id()));
    return known != null && known.term() == term
        ? known.manifest()
        : manifests.latest(schema.schemaId());
  }

  /**
   * Commits a checkpoint of the partition (recovery.md §5): a manifest listing the ranges shipped
   * since the last one, its tail moved to where they end, so that a new leader's tail walk reads
   * only what was shipped since. Nothing is written when nothing was shipped; the same safety as a
   * snapshot's commit applies.
   *
   * @return the manifest committed, or empty when there was nothing to list
   * @throws SnapshotAbandonedException when the partition is no longer led here
   */
  public Optional<PartitionManifest> checkpoint(Partition partition, Schema schema) {
    long term = partition.role().term();
    ShippedLog pending = shipper.shippedLog(partition.tableId(), partition.id());
    if (pending.ranges().isEmpty()) {
      return Optional.empty();
    }
    PartitionManifest next =
        commitNext(
            partition,
            schema,
            term,
            false,
            (base, log, tail) ->
                NextManifest.afterCheckpoint(base, schema.schemaId(), log.ranges(), tail));
    checkpoints.increment();
    return Optional.of(next);
  }

  private void commit(
      PartitionManifests manifests, Partition partition, long term, PartitionManifest next) {
    PartitionKey key = new PartitionKey(partition.tableId(), partition.id());
    try {
      manifests.commit(next);
    } catch (RuntimeException e) {
      lastCommitted.remove(key);
      throw e;
    }
    partition.manifestCommitted(next.version());
    lastCommitted.put(key, new Committed(term, next));
  }

  /**
   * How many WAL ranges the manifest this node last committed for the partition lists (0 when it
   * committed none in its current term): what every checkpoint rewrites, so a snapshot is due when
   * it grows large.
   */
  public int listedRanges(Partition partition) {
    Committed c = lastCommitted.get(new PartitionKey(partition.tableId(), partition.id()));
    return c == null || c.term() != partition.role().term() ? 0 : c.manifest().walRanges().size();
  }

  /** Checkpoints committed. */
  public long checkpoints() {
    return checkpoints.sum();
  }

  private void requireStillLeading(Partition partition, long term, PartitionManifest base) {
    boolean ownTail =
        base.tail()
            .map(t -> t.node().equals(shipper.node()) && t.incarnation() == shipper.incarnation())
            .orElse(false);
    if (!partition.role().writable() || partition.role().term() != term || !ownTail) {
      throw new SnapshotAbandonedException(
          "partition "
              + partition.tableId()
              + "/"
              + partition.id()
              + " is no longer led here in term "
              + term
              + " (manifest "
              + base.version()
              + " tail "
              + base.tail().map(Object::toString).orElse("none")
              + "): snapshot not committed");
    }
  }

  private SnapshotRef write(Partition partition, Schema schema, long term) {
    RowCodec rows = new RowCodec(schema);
    try (PartitionView view = partition.openView()) {
      String key =
          SnapshotKeys.dataFile(partition.tableId(), partition.id(), view.offset(), term, 0);
      SnapshotFile file;
      try (SnapshotWriter writer = new SnapshotWriter(store, key, schema, options, tempDir)) {
        for (KeyedRow row : view) {
          writer.write(rows.decode(row.row()), row.offset(), row.timestamp());
        }
        file = writer.finish();
      }
      bytesWritten.add(file.size());
      return new SnapshotRef(view.offset(), term, List.of(key), file.rowCount(), file.size());
    }
  }
}
