package io.floe.dataplane.replication;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How long a node's replica logs keep shipped entries, and how many they hold together.
 *
 * <p>A shipped entry stays in a log's tail while a follower of the partition still needs it (the
 * leader has not heard it applied there), and otherwise only for {@code replication.retain-time}
 * after it was known shipped: long enough for a follower a little behind at a leader change to be
 * caught up from the new leader's memory, short enough that entries every replica holds die young
 * instead of filling the old generation of the heap (each held entry outlives young collections,
 * which then copy it, again and again, until it is promoted).
 *
 * <p>The bytes held are counted together against {@code replication.retain-node-bytes}: each log
 * keeps up to {@code replication.retain-bytes} of them for a follower that is behind, but a node
 * with many busy partitions would otherwise hold that much for every one of them and run out of
 * heap. Over the bound, a log that is written to drops its oldest shipped entries first (a follower
 * that needed them reloads from S3).
 */
public final class RetainedTails {
  /** Kept until a byte bound says otherwise (tests of the byte bounds). */
  static final long FOREVER = Long.MAX_VALUE;

  private final long limit;
  private final long retainNanos;
  private final LongSupplier clock;
  private final AtomicLong held = new AtomicLong();

  /** Shipped entries kept until a byte bound removes them (no time limit). */
  public RetainedTails(long limit) {
    this(limit, FOREVER, System::nanoTime);
  }

  public RetainedTails(long limit, Duration retainTime) {
    this(limit, retainTime.toNanos(), System::nanoTime);
  }

  /**
   * @param retainNanos how long an entry no follower needs stays after it was known shipped
   * @param clock {@link System#nanoTime} but in tests
   */
  RetainedTails(long limit, long retainNanos, LongSupplier clock) {
    this.limit = limit;
    this.retainNanos = retainNanos;
    this.clock = clock;
  }

  /** No bound beyond each log's own. */
  public static RetainedTails unbounded() {
    return new RetainedTails(Long.MAX_VALUE);
  }

  long limit() {
    return limit;
  }

  long retainNanos() {
    return retainNanos;
  }

  long now() {
    return clock.getAsLong();
  }

  /** Bytes of shipped entries held by every log of the node. */
  public long held() {
    return held.get();
  }

  void add(long bytes) {
    held.addAndGet(bytes);
  }
}
