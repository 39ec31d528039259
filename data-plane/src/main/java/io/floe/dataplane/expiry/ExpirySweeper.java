package io.floe.dataplane.expiry;

import io.floe.core.config.ConfigReader;
import io.floe.core.partition.PartitionState;
import io.floe.dataplane.BackgroundThreads;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the memory of expired rows (spec.md §14.7). Reads already hide them; without a sweep
 * they would hold the node's memory until overwritten or deleted. Every {@link #INTERVAL} it visits
 * each replica of a table with a TTL on this node, leaders and followers alike, and examines at
 * most {@link #KEYS} of its keys, resuming where the last tick stopped, so a tick's work is bounded
 * however large the partition. It writes nothing to the log: every replica sweeps by itself and
 * reaches the same verdict from the same timestamps. One daemon thread.
 */
public final class ExpirySweeper implements AutoCloseable {
  public static final String INTERVAL = "ttl.sweep-interval";
  public static final Duration INTERVAL_DEFAULT = Duration.ofSeconds(1);

  /** Keys examined per partition and tick, at most. */
  public static final String KEYS = "ttl.sweep-keys";

  public static final int KEYS_DEFAULT = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

  private final Supplier<Collection<HostedTable>> tables;
  private final int keysPerTick;
  private final LongAdder rowsSwept = new LongAdder();
  private ScheduledExecutorService thread;

  /** A sweeper that runs only when {@link #sweepOnce} is called. */
  public ExpirySweeper(Supplier<Collection<HostedTable>> tables, int keysPerTick) {
    if (keysPerTick < 1) {
      throw new IllegalArgumentException(KEYS + " must be at least 1, found " + keysPerTick);
    }
    this.tables = tables;
    this.keysPerTick = keysPerTick;
  }

  /** Sweeps the node's tables every {@link #INTERVAL}, {@link #KEYS} keys per partition. */
  public static ExpirySweeper start(Supplier<Collection<HostedTable>> tables, Properties settings) {
    ConfigReader config = ConfigReader.of(settings);
    Duration interval = config.duration(INTERVAL, INTERVAL_DEFAULT);
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(INTERVAL + " must be positive, found " + interval);
    }
    ExpirySweeper sweeper = new ExpirySweeper(tables, config.integer(KEYS, KEYS_DEFAULT));
    sweeper.thread = BackgroundThreads.scheduler("floe-expiry-sweep", settings);
    long nanos = interval.toNanos();
    sweeper.thread.scheduleWithFixedDelay(sweeper::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    return sweeper;
  }

  /** One pass over every serving replica of every table with a TTL; returns the rows removed. */
  public long sweepOnce() {
    long removed = 0;
    for (HostedTable table : tables.get()) {
      if (table.ttlMs().isEmpty()) {
        continue;
      }
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null && p.role().state() == PartitionState.NORMAL) {
          int swept = p.sweepExpired(keysPerTick);
          rowsSwept.add(swept);
          removed += swept;
        }
      }
    }
    return removed;
  }

  /** Expired rows removed since the start, by every pass. */
  public long rowsSwept() {
    return rowsSwept.sum();
  }

  private void tick() {
    try {
      long removed = sweepOnce();
      if (removed > 0) {
        LOG.debug("expiry sweep removed {} rows", removed);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log and keep sweeping.
      LOG.warn("expiry sweep failed; will run again: {}", e.toString(), e);
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
