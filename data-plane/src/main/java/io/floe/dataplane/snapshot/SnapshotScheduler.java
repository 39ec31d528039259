package io.floe.dataplane.snapshot;

import io.floe.core.config.ConfigReader;
import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.dataplane.BackgroundThreads;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.wal.PartitionKey;
import io.floe.dataplane.wal.ShippedLog;
import io.floe.dataplane.wal.WalShipper;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when each led partition gets a snapshot: once the WAL shipped for it since its last
 * snapshot reaches {@link #WAL_BYTES}, when it has some and {@link #INTERVAL} has passed, or when
 * its manifest would list more WAL ranges than a load should read instead of its snapshot ({@link
 * #RANGE_BYTES}, between {@link #WAL_RANGES_MIN} and {@link #WAL_RANGES}: every checkpoint rewrites
 * that list too, and many small WAL objects must not make each checkpoint megabytes). One
 * background thread, one snapshot at a time, so snapshots never compete with each other for the
 * machine. A second thread commits a checkpoint of every led partition that shipped something,
 * every {@link #CHECKPOINT_INTERVAL} (zero: never), so that a new leader's tail walk reads at most
 * about that much of the WAL (recovery.md §5); it never waits behind a snapshot being written.
 */
public final class SnapshotScheduler implements AutoCloseable {
  public static final String WAL_BYTES = "snapshot.wal-bytes";
  public static final long WAL_BYTES_DEFAULT = 256L << 20;
  public static final String INTERVAL = "snapshot.interval";
  public static final Duration INTERVAL_DEFAULT = Duration.ofMinutes(10);
  public static final String WAL_RANGES = "snapshot.wal-ranges";
  public static final int WAL_RANGES_DEFAULT = 2_000;

  /**
   * What one listed range costs a load (a GET), in bytes of snapshot read at the same cost: a
   * partition whose ranges cost more than its snapshot would gets one, so a replica filled after a
   * restart reads a small partition's snapshot rather than thousands of WAL objects.
   */
  public static final String RANGE_BYTES = "snapshot.range-bytes";

  public static final long RANGE_BYTES_DEFAULT = 1L << 20;

  /** Fewest listed ranges that call for a snapshot by {@link #RANGE_BYTES}. */
  public static final String WAL_RANGES_MIN = "snapshot.wal-ranges-min";

  public static final int WAL_RANGES_MIN_DEFAULT = 200;
  public static final String CHECKPOINT_INTERVAL = "snapshot.checkpoint-interval";
  public static final Duration CHECKPOINT_INTERVAL_DEFAULT = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

  private final Snapshotter snapshotter;
  private final WalShipper shipper;
  private final Supplier<Collection<HostedTable>> tables;
  private final long walBytes;
  private final long intervalNanos;
  private final int walRanges;
  private final long rangeBytes;
  private final int walRangesMin;
  private final Map<PartitionKey, Long> lastSnapshot = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;
  private final ScheduledExecutorService checkpointThread;

  public SnapshotScheduler(
      Snapshotter snapshotter,
      WalShipper shipper,
      Supplier<Collection<HostedTable>> tables,
      Properties settings) {
    this.snapshotter = snapshotter;
    this.shipper = shipper;
    this.tables = tables;
    ConfigReader config = ConfigReader.of(settings);
    this.thread = BackgroundThreads.scheduler("floe-snapshots", settings);
    this.checkpointThread = BackgroundThreads.scheduler("floe-checkpoints", settings);
    this.walBytes = config.size(WAL_BYTES, WAL_BYTES_DEFAULT);
    this.intervalNanos = config.duration(INTERVAL, INTERVAL_DEFAULT).toNanos();
    this.walRanges = config.integer(WAL_RANGES, WAL_RANGES_DEFAULT);
    this.rangeBytes = Math.max(1, config.size(RANGE_BYTES, RANGE_BYTES_DEFAULT));
    this.walRangesMin = config.integer(WAL_RANGES_MIN, WAL_RANGES_MIN_DEFAULT);
    thread.scheduleWithFixedDelay(this::checkAll, 1, 1, TimeUnit.SECONDS);
    long checkpointNanos =
        config.duration(CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL_DEFAULT).toNanos();
    if (checkpointNanos > 0) {
      checkpointThread.scheduleWithFixedDelay(
          this::checkpointAll, checkpointNanos, checkpointNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void checkpointAll() {
    for (HostedTable table : tables.get()) {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null && leadsServing(p)) {
          checkpoint(table, p);
        }
      }
    }
  }

  private void checkpoint(HostedTable table, Partition p) {
    try {
      snapshotter
          .checkpoint(p, table.schema())
          .ifPresent(
              m ->
                  LOG.debug(
                      "checkpoint of {}/{} committed as manifest {} (offset {})",
                      p.tableId(),
                      p.id(),
                      m.version(),
                      m.lastOffset()));
    } catch (SnapshotAbandonedException e) {
      LOG.debug("checkpoint of {}/{} abandoned: {}", p.tableId(), p.id(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("checkpoint of {}/{} failed; will retry: {}", p.tableId(), p.id(), e.toString());
    }
  }

  private static boolean leadsServing(Partition p) {
    return p.currentRole() == PartitionRole.LEADER && p.role().state() == PartitionState.NORMAL;
  }

  private void checkAll() {
    for (HostedTable table : tables.get()) {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null && due(p)) {
          snapshot(table, p);
        }
      }
    }
  }

  private boolean due(Partition p) {
    if (!leadsServing(p)) {
      return false;
    }
    ShippedLog log = shipper.shippedLog(p.tableId(), p.id());
    long last =
        lastSnapshot.computeIfAbsent(new PartitionKey(p.tableId(), p.id()), k -> System.nanoTime());
    return log.bytes() >= walBytes
        || (log.bytes() > 0 && System.nanoTime() - last >= intervalNanos)
        || snapshotter.listedRanges(p) + log.ranges().size() >= rangesDue(p);
  }

  /**
   * How many listed ranges call for a snapshot: as many as cost a load what the partition's
   * snapshot would ({@link #RANGE_BYTES} each), at least {@link #WAL_RANGES_MIN}, at most {@link
   * #WAL_RANGES}.
   */
  private long rangesDue(Partition p) {
    return Math.min(walRanges, Math.max(walRangesMin, p.memoryBytes() / rangeBytes));
  }

  private void snapshot(HostedTable table, Partition p) {
    long started = System.nanoTime();
    try {
      var manifest = snapshotter.snapshot(p, table.schema());
      lastSnapshot.put(new PartitionKey(p.tableId(), p.id()), System.nanoTime());
      LOG.info(
          "snapshot of {}/{} at offset {} committed as manifest {} in {} ms",
          p.tableId(),
          p.id(),
          manifest.latestSnapshot().orElseThrow().offset(),
          manifest.version(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      LOG.warn("snapshot of {}/{} failed; will retry: {}", p.tableId(), p.id(), e.toString());
    }
  }

  @Override
  public void close() {
    checkpointThread.shutdownNow();
    thread.shutdownNow();
  }
}
