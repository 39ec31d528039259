package io.floe.dataplane.recovery;

import io.floe.core.retry.Resilience;
import io.floe.core.retry.ResilienceSettings;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.LoadBuffer;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.wal.WalShipper;
import io.floe.storage.commit.CommitFailedException;
import io.floe.storage.commit.CommitStateUnknownException;
import io.floe.storage.manifest.NextManifest;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.snapshot.SnapshotReader;
import io.floe.storage.wal.WalObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a partition this node is to lead from S3 (DESIGN.md §7): the newest manifest, its snapshot,
 * its WAL ranges, then the one tail stream it names (sealed first when it is not this
 * incarnation's), and commits a manifest whose tail is this node's own stream. Only then does the
 * partition serve. Callable from any "this node now leads partition P in term T" trigger.
 */
public final class PartitionLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLoader.class);

  /**
   * A manifest commit lost to another writer (or of unknown outcome) is retried from a fresh load,
   * a few times: {@code recovery.commit-retry.*} would tune it, the race is rare.
   */
  private static final ResilienceSettings COMMIT_RETRY =
      ResilienceSettings.retryOnly(5, Duration.ofMillis(20), Duration.ofMillis(500), 0.5);

  private final Resilience commitRetry =
      Resilience.of(
          "manifest-commit",
          COMMIT_RETRY,
          e -> e instanceof CommitFailedException || e instanceof CommitStateUnknownException);

  private final ObjectStore store;
  private final WalShipper shipper;
  private final Path tempDir;
  private final WalObjectReader reader;
  private volatile boolean stopping;

  public PartitionLoader(ObjectStore store, WalShipper shipper, Path tempDir) {
    this.store = store;
    this.shipper = shipper;
    this.tempDir = tempDir;
    this.reader = new WalObjectReader(store);
  }

  /**
   * Fills {@code partition} (state {@code loading}) from S3 and makes it the serving leader of
   * {@code term}. On failure the partition goes offline with the reason, holding nothing.
   *
   * @throws PartitionLoadException naming the partition and, if corrupt, the object
   */
  public LoadResult load(Partition partition, Schema schema, long term) {
    long started = System.nanoTime();
    try {
      LoadResult result = loadWithRetries(partition, schema, term);
      partition.becomeLeader(term);
      partition.markNormal();
      LOG.info(
          "loaded partition {}/{}: offset {}, {} WAL ranges, {} tail objects, in {} ms",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          result.manifest().walRanges().size(),
          result.tailObjects(),
          (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (RuntimeException e) {
      if (stopping) {
        partition.failLoad("the node is stopping");
        LOG.info(
            "partition {}/{}: load abandoned, the node is stopping",
            partition.tableId(),
            partition.id());
        throw new PartitionLoadException(
            "partition " + partition.tableId() + "/" + partition.id() + ": the node is stopping",
            e);
      }
      String reason = "load from S3 failed: " + e.getMessage();
      partition.failLoad(reason);
      LOG.error("partition {}/{}: {}", partition.tableId(), partition.id(), reason, e);
      throw new PartitionLoadException(
          "partition " + partition.tableId() + "/" + partition.id() + ": " + reason, e);
    }
  }

  /** A commit that lost to another (or cannot tell) reloads from the newest manifest. */
  private LoadResult loadWithRetries(Partition partition, Schema schema, long term) {
    PartitionManifests manifests =
        new PartitionManifests(store, partition.tableId(), partition.id());
    return commitRetry.call(() -> loadOnce(manifests, partition, schema, term));
  }

  /**
   * One load: the manifest's WAL ranges are fetched ahead while the snapshot is read, then applied,
   * then the tail stream; everything gathers in a {@link LoadBuffer} that becomes the partition's
   * content only once the manifest naming this node's stream is committed.
   */
  private LoadResult loadOnce(
      PartitionManifests manifests, Partition partition, Schema schema, long term) {
    partition.resetForReload();
    PartitionManifest base = manifests.latest(schema.schemaId());
    LoadBuffer buffer = partition.newLoadBuffer();
    try {
      WalFetcher fetcher = new WalFetcher(reader, partition.tableId(), partition.id());
      LogReplayer replayer = new LogReplayer(fetcher, buffer);
      replayer.prefetch(
          base.walRanges(), base.latestSnapshot().map(SnapshotRef::offset).orElse(0L));
      loadSnapshot(buffer, schema, base);
      replayer.replayRanges();
      TailWalk tail = new TailWalk(store, replayer, shipper.node(), shipper.incarnation());
      List<WalRange> tailRanges = base.tail().map(tail::walk).orElse(List.of());
      PartitionManifest next =
          NextManifest.afterLoad(
              base,
              schema.schemaId(),
              tailRanges,
              term,
              shipper.node(),
              buffer.offset() + 1,
              new TailPointer(shipper.node(), shipper.incarnation(), shipper.nextSeq()));
      manifests.commit(next);
      buffer.install();
      return new LoadResult(next, tail.objectsRead());
    } catch (RuntimeException e) {
      buffer.discard();
      throw e;
    }
  }

  private void loadSnapshot(LoadBuffer buffer, Schema schema, PartitionManifest base) {
    Optional<SnapshotRef> snapshot = base.latestSnapshot();
    if (snapshot.isEmpty()) {
      return;
    }
    RowCodec rows = new RowCodec(schema);
    KeyCodec keys = new KeyCodec(schema);
    SnapshotReader reader = new SnapshotReader(store, tempDir);
    for (String key : snapshot.get().objectKeys()) {
      reader.read(
          key,
          schema,
          r ->
              buffer.snapshotRow(
                  r.offset(), r.timestamp(), keys.encode(r.row()), rows.encode(r.row())));
    }
    buffer.snapshotLoaded(snapshot.get().offset());
  }

  /** The node is stopping: loads that fail from now on are abandoned quietly, not reported. */
  public void stop() {
    stopping = true;
  }

  /** The manifest committed by a load and how many tail objects it read. */
  public record LoadResult(PartitionManifest manifest, int tailObjects) {}
}
