package io.floe.dataplane.metrics;

import io.floe.core.protocol.AppendCode;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.replication.ReplicaLog;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.replication.ReplicationStats;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Replication on this node: how far its followers trail the partitions it leads and how far the
 * partitions it follows trail their leaders (in entries, the largest over partitions, read from
 * each replica's log at scrape time), what it sent and received, and the writes that waited for a
 * majority ({@link ReplicationStats}).
 */
public final class ReplicationMetrics implements MeterBinder {
  /** The replication lag histogram: {@code floe_replication_lag_seconds_bucket} and the rest. */
  public static final String LAG = "floe.replication.lag";

  private final TableRegistry tables;
  private final ReplicationStats stats;

  public ReplicationMetrics(TableRegistry tables, ReplicationStats stats) {
    this.tables = tables;
    this.stats = stats;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("floe.replication.follower.lag", () -> largest(ReplicaLog::lag, true))
        .baseUnit("entries")
        .description("Entries the most-behind follower lacks, over the partitions led here")
        .register(registry);
    Gauge.builder("floe.replication.behind.leader", () -> largest(ReplicaLog::followerLag, false))
        .baseUnit("entries")
        .description(
            "Entries this replica lacks behind its leader (as last heard), largest over"
                + " the partitions followed here")
        .register(registry);
    FunctionCounter.builder("floe.replication.sent.blocks", stats, ReplicationStats::blocksSent)
        .description("Blocks of APPEND sent to followers (a partition's entries or a heartbeat)")
        .register(registry);
    FunctionCounter.builder("floe.replication.sent.entries", stats, ReplicationStats::entriesSent)
        .description("Entries sent to followers")
        .register(registry);
    for (AppendCode answer : AppendCode.values()) {
      FunctionCounter.builder(
              "floe.replication.received.blocks", stats, s -> s.blocksReceived(answer))
          .tag("answer", answer.name())
          .description("Blocks of APPEND received from leaders, by the answer given")
          .register(registry);
    }
    FunctionCounter.builder(
            "floe.replication.applied.entries", stats, ReplicationStats::entriesApplied)
        .description("Entries received from leaders and applied")
        .register(registry);
    FunctionCounter.builder("floe.replication.commit.waits", stats, ReplicationStats::commitWaits)
        .description("Writes acknowledged only once a majority of replicas applied them")
        .register(registry);
    FunctionTimer.builder(
            "floe.replication.commit.rounds",
            stats.commitRounds(),
            Tally::count,
            Tally::totalNanos,
            TimeUnit.NANOSECONDS)
        .description("Waits for a majority, each from its first write until acknowledged")
        .register(registry);
    Timer lag =
        Timer.builder(LAG)
            .description(
                "Replication lag: per follower answer that acknowledges new entries, the time since"
                    + " this leader applied the newest of them")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    stats.onLag(nanos -> lag.record(nanos, TimeUnit.NANOSECONDS));
    FunctionCounter.builder(
            "floe.replication.commit.rounds.failed", stats.commitRounds(), Tally::failures)
        .description("Waits for a majority ended by a change of leader (their writes failed)")
        .register(registry);
  }

  /** The largest value over the replicated partitions led here ({@code leading}) or followed. */
  private long largest(ToLongFunction<ReplicaLog> value, boolean leading) {
    long largest = 0;
    for (HostedTable table : tables.all()) {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        ReplicaLog log = p == null ? null : Replication.logOf(p);
        if (log != null && log.leading() == leading) {
          largest = Math.max(largest, value.applyAsLong(log));
        }
      }
    }
    return largest;
  }
}
