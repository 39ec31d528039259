package io.floe.dataplane.metrics;

import io.floe.dataplane.recovery.NodeDurability;
import io.floe.dataplane.recovery.PartitionLoader;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.wal.WalShipper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * The node's S3 side ({@link NodeDurability}), read when Prometheus scrapes: WAL shipping (PUTs,
 * their failures, objects, bytes, unshipped bytes, the lag of writes to durable as the shipper
 * measures it for its {@code wal-stats} line), snapshots committed, and partitions loaded from S3.
 */
public final class DurabilityMetrics implements MeterBinder {
  private final NodeDurability durability;

  public DurabilityMetrics(NodeDurability durability) {
    this.durability = durability;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    bindWal(registry, durability.shipper());
    bindSnapshots(registry, durability.snapshotter());
    bindLoads(registry, durability.loader());
  }

  private static void bindWal(MeterRegistry registry, WalShipper wal) {
    FunctionCounter.builder("floe.wal.puts", wal, WalShipper::putRequests)
        .description("S3 PUT requests of WAL objects, retries included")
        .register(registry);
    FunctionCounter.builder("floe.wal.put.failures", wal, WalShipper::putFailures)
        .description("S3 PUT requests of WAL objects that failed (each retried until it lands)")
        .register(registry);
    FunctionCounter.builder("floe.wal.objects", wal, WalShipper::objectsWritten)
        .description("WAL objects in S3")
        .register(registry);
    FunctionCounter.builder("floe.wal.written", wal, WalShipper::bytesWritten)
        .baseUnit("bytes")
        .description("Bytes of WAL objects in S3")
        .register(registry);
    Gauge.builder("floe.wal.unshipped", wal, WalShipper::unshippedBytes)
        .baseUnit("bytes")
        .description("Bytes of applied writes not yet in S3 (wal.max-unshipped-bytes bounds it)")
        .register(registry);
    Gauge.builder("floe.wal.fenced", wal, w -> w.isFenced() ? 1 : 0)
        .description("1 once another writer took this node's WAL sequence: it ships no more")
        .register(registry);
    FunctionTimer.builder(
            "floe.wal.lag",
            wal,
            w -> w.lag().entries(),
            w -> w.lag().totalMicros(),
            TimeUnit.MICROSECONDS)
        .description("Lag of each shipped write from its append to its object being in S3")
        .register(registry);
    Gauge.builder("floe.wal.lag.window.p99", wal, w -> w.lag().lastWindowP99Micros() / 1e6)
        .baseUnit("seconds")
        .description("p99 lag to durable over the last wal-stats window (wal.stats-interval)")
        .register(registry);
    Gauge.builder("floe.wal.lag.window.max", wal, w -> w.lag().lastWindowMaxMicros() / 1e6)
        .baseUnit("seconds")
        .description("Largest lag to durable over the last wal-stats window")
        .register(registry);
  }

  private static void bindSnapshots(MeterRegistry registry, Snapshotter snapshots) {
    FunctionTimer.builder(
            "floe.snapshots",
            snapshots.committed(),
            Tally::count,
            Tally::totalNanos,
            TimeUnit.NANOSECONDS)
        .description("Snapshots committed, and the time from a view's cut to its manifest's commit")
        .register(registry);
    FunctionCounter.builder("floe.snapshot.failures", snapshots.committed(), Tally::failures)
        .description("Snapshots that failed or were abandoned (the partition's leader changed)")
        .register(registry);
    FunctionCounter.builder("floe.checkpoints", snapshots, Snapshotter::checkpoints)
        .description("Manifest checkpoints committed (shipped WAL ranges listed, tail moved on)")
        .register(registry);
    FunctionCounter.builder("floe.snapshot.written", snapshots, Snapshotter::bytesWritten)
        .baseUnit("bytes")
        .description("Bytes of snapshot files uploaded")
        .register(registry);
  }

  private static void bindLoads(MeterRegistry registry, PartitionLoader loader) {
    bindLoads(registry, "LEADER", loader.leaderLoads());
    bindLoads(registry, "FOLLOWER", loader.followerFills());
    bindLoads(registry, "PROMOTED", loader.promotions());
  }

  private static void bindLoads(MeterRegistry registry, String role, Tally loads) {
    FunctionTimer.builder(
            "floe.loads", loads, Tally::count, Tally::totalNanos, TimeUnit.NANOSECONDS)
        .tag("role", role)
        .description(
            "Partition replicas loaded from S3, by the role they load for (PROMOTED: a follower"
                + " made leader in place, only the WAL tail read), and how long")
        .register(registry);
    FunctionCounter.builder("floe.load.failures", loads, Tally::failures)
        .tag("role", role)
        .description("Loads of partition replicas from S3 that failed (each retried)")
        .register(registry);
  }
}
