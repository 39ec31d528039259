package io.floe.dataplane.recovery;

import io.floe.core.partition.PartitionRole;
import io.floe.core.table.Durability;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.replication.ReplicaLog;
import io.floe.dataplane.replication.ReplicatedSink;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.snapshot.SnapshotScheduler;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.ReplicaLoader;
import io.floe.dataplane.wal.AckOnApplySink;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.dataplane.wal.WalSinks;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that makes a node's writes durable in S3, started together: the object store, this
 * process's incarnation, the WAL shipper (sinks for {@code memory} and {@code s3}), the partition
 * loader and the snapshot scheduler. Closing flushes the WAL first.
 */
public final class NodeDurability implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDurability.class);

  private final ObjectStore store;
  private final WalShipper shipper;
  private final PartitionLoader loader;
  private final Snapshotter snapshotter;
  private final ExecutorService loading;
  private final Path tempDir;
  private SnapshotScheduler scheduler;
  private volatile ManifestHints hints = (node, tableId, partition) -> 0;

  /**
   * Where a leader's reported manifest version of a partition is read (replication.md §10): 0 when
   * unknown. The node's cluster membership answers, once it joined.
   */
  @FunctionalInterface
  public interface ManifestHints {
    long of(String leaderNode, long tableId, int partition);
  }

  /** Reads manifest hints through {@code hints} from now on. */
  public void manifestHints(ManifestHints hints) {
    this.hints = hints;
  }

  private NodeDurability(ObjectStore store, String node, Properties settings) {
    this.store = store;
    long incarnation = Incarnations.claim(store, node);
    this.tempDir = tempDir();
    this.shipper = new WalShipper(store, node, incarnation, WalShipperSettings.from(settings));
    this.loader = new PartitionLoader(store, shipper, tempDir);
    this.snapshotter = new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), tempDir);
    this.loading =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "floe-partition-loader");
              t.setDaemon(true);
              return t;
            });
    LOG.info("node {} incarnation {} ships its WAL to S3", node, incarnation);
  }

  /**
   * Connects to S3 as configured by the {@code s3.*} keys, under the cluster's root {@code
   * {s3.prefix}/{cluster.name}/} (spec.md §6), and claims an incarnation.
   */
  public static NodeDurability start(String node, Properties settings) {
    Map<String, String> map = new HashMap<>();
    settings.stringPropertyNames().forEach(k -> map.put(k, settings.getProperty(k)));
    String cluster = map.getOrDefault(ClusterSettings.CLUSTER, ClusterSettings.CLUSTER_DEFAULT);
    return new NodeDurability(
        new S3ObjectStore(ObjectStoreConfig.fromProperties(map).forCluster(cluster)),
        node,
        settings);
  }

  /** Over a given store (tests). */
  public static NodeDurability start(ObjectStore store, String node, Properties settings) {
    return new NodeDurability(store, node, settings);
  }

  /** {@code memory} acks on apply and {@code s3} on the object's arrival; both are shipped. */
  public WalSinks sinks() {
    return new WalSinks()
        .with(Durability.MEMORY, new AckOnApplySink(shipper))
        .with(Durability.S3, shipper);
  }

  public void scheduleSnapshots(Supplier<Collection<HostedTable>> tables, Properties settings) {
    scheduler = new SnapshotScheduler(snapshotter, shipper, tables, settings);
  }

  public PartitionLoader loader() {
    return loader;
  }

  /**
   * How this node fills a replica it was just given, or one it is promoted to lead: a follower
   * promoted keeps what it holds and takes over the partition's WAL tail (replication.md §7.2),
   * loading from S3 whole only when it is behind the manifest, carrying over the entries it held; a
   * follower fills itself from S3 without sealing or committing (§6.2) and takes the rest from its
   * leader.
   */
  public ReplicaLoader replicaLoader() {
    return (table, partition) -> {
      ReplicaLog log = Replication.logOf(partition);
      if (partition.role().role() == PartitionRole.LEADER) {
        if (log == null) {
          loader.load(partition, table.schema(), partition.role().term());
          return;
        }
        long term = partition.role().term();
        if (log.takeFreshLeaderStart() && loader.wasLed(partition, table.schema())) {
          // A new process named leader of a partition that was led before: what the previous
          // leader acknowledged may live only in its followers' memory. It serves as a follower
          // of no one until a prepare and a newer term choose a leader (replication.md §7.4).
          LOG.warn(
              "partition {}/{}: assigned leader of term {} on a fresh start, but the partition was"
                  + " led before; standing by as a follower until a newer term",
              partition.tableId(),
              partition.id(),
              term);
          partition.standBy(term);
          loader.loadFollower(partition, table.schema());
          log.resetTo(partition.offset(), partition.offset(), partition.lastEntry());
          return;
        }
        ReplicatedSink sink = (ReplicatedSink) partition.sink();
        Optional<HandOverPoint> handover = log.takeHandOverPoint();
        // No prepare read the manifest ahead of a hand-over: start from what the old leader
        // reports.
        handover.ifPresent(
            h ->
                loader.manifestSeen(
                    partition, hints.of(h.from(), partition.tableId(), partition.id())));
        Optional<PartitionLoader.LoadResult> inPlace =
            log.takePromoted()
                ? loader.promoteInPlace(
                    partition, table.schema(), term, log::entriesAbove, sink::reship, handover)
                : Optional.empty();
        PartitionLoader.LoadResult result =
            inPlace.orElseGet(
                () ->
                    loader.load(
                        partition,
                        table.schema(),
                        term,
                        log.entriesAbove(0),
                        sink::reship,
                        handover));
        log.afterPromotion(partition.offset(), result.offsetInS3(), partition.lastEntry());
      } else {
        loader.loadFollower(partition, table.schema());
        if (log != null) {
          log.resetTo(partition.offset(), partition.offset(), partition.lastEntry());
        }
      }
    };
  }

  /**
   * A replica was prepared for a new term: its promotion may come next (replication.md §7.2), so
   * its newest manifest is read ahead, from {@code hint} (the previous leader's reported version,
   * §10; 0 when unknown), on the loading threads.
   */
  public void prepared(Partition partition, java.util.function.LongSupplier hint) {
    loader.warmManifest(partition, loading, hint);
  }

  public ExecutorService loading() {
    return loading;
  }

  public WalShipper shipper() {
    return shipper;
  }

  public Snapshotter snapshotter() {
    return snapshotter;
  }

  public ObjectStore store() {
    return store;
  }

  /** Stops snapshots and loads; the WAL sinks are closed (flushed) by their owner before this. */
  @Override
  public void close() {
    loader.stop();
    if (scheduler != null) {
      scheduler.close();
    }
    loading.shutdownNow();
    shipper.close();
    LOG.info(
        "WAL shipper closed: {} objects, {} bytes, {} PUT requests",
        shipper.objectsWritten(),
        shipper.bytesWritten(),
        shipper.putRequests());
    store.close();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("floe-node-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }
}
