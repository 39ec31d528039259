package io.floe.dataplane.replication;

import io.floe.core.protocol.AppendCode;
import io.floe.dataplane.metrics.Tally;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What replication did on this node since it started, for the metrics: blocks and entries sent to
 * followers, blocks received from leaders by the answer given and the entries applied from them,
 * and the writes that waited for a majority. Every partition's {@link ReplicaLog} and the receiver
 * add to the one instance of the node; striped adders, so the write path pays a few nanoseconds.
 */
public final class ReplicationStats {
  private final LongAdder blocksSent = new LongAdder();
  private final LongAdder entriesSent = new LongAdder();
  private final LongAdder[] blocksReceived = new LongAdder[AppendCode.values().length];
  private final LongAdder entriesApplied = new LongAdder();
  private final LongAdder commitWaits = new LongAdder();
  private final Tally commitRounds = new Tally();
  private volatile LongConsumer lag = nanos -> {};

  public ReplicationStats() {
    for (int i = 0; i < blocksReceived.length; i++) {
      blocksReceived[i] = new LongAdder();
    }
  }

  void sent(int entries) {
    blocksSent.increment();
    entriesSent.add(entries);
  }

  void received(AppendCode answer) {
    blocksReceived[answer.ordinal()].increment();
  }

  void applied(int entries) {
    entriesApplied.add(entries);
  }

  /** One follower's answer acknowledged entries, the newest applied here {@code nanos} ago. */
  void lag(long nanos) {
    lag.accept(nanos);
  }

  /**
   * Where the replication lags go from now on (the metrics' histogram): one per answer of a
   * follower that acknowledges new entries, the time since the leader applied the newest of them.
   */
  public void onLag(LongConsumer sink) {
    lag = sink;
  }

  void commitWait() {
    commitWaits.increment();
  }

  /** Blocks sent to followers (a partition's entries in one APPEND frame, or a heartbeat). */
  public long blocksSent() {
    return blocksSent.sum();
  }

  public long entriesSent() {
    return entriesSent.sum();
  }

  /** Blocks received from leaders that were answered {@code answer}. */
  public long blocksReceived(AppendCode answer) {
    return blocksReceived[answer.ordinal()].sum();
  }

  /** Entries received from leaders and applied here. */
  public long entriesApplied() {
    return entriesApplied.sum();
  }

  /** Writes acknowledged only once a majority of replicas applied them (not at once). */
  public long commitWaits() {
    return commitWaits.sum();
  }

  /**
   * Rounds of such waits, each from its first write until a majority acknowledged (writes that
   * arrive before the next send share a round); failures are rounds ended by a change of leader.
   */
  public Tally commitRounds() {
    return commitRounds;
  }
}
