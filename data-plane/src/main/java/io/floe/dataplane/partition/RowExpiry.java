package io.floe.dataplane.partition;

import io.floe.core.clock.HybridLogicalClock;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When a partition replica's rows expire (spec.md §14): a row is expired once this replica's clock
 * reaches its last write's timestamp plus the table's TTL. The verdict depends only on the
 * timestamp the leader gave the write and on the clock here, so leaders, followers and loaders
 * agree, whenever each applied the row.
 *
 * <p>It also carries the wall clock the partition stamps its writes with (through its {@link
 * HybridLogicalClock}): one clock for both, so that a test moving time moves both. The clock rows
 * are judged by never goes back — a wall clock stepped back must not make an expired row readable
 * again — so one instance serves one partition replica, whose readers alone share its guard. A
 * table without a TTL never reads the clock to judge a row.
 */
public final class RowExpiry {
  private static final RowExpiry NEVER = new RowExpiry(0, HybridLogicalClock::systemMicros);

  /** The TTL in µs; 0 when rows never expire. */
  private final long ttlMicros;

  private final LongSupplier wallMicros;
  private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);

  private RowExpiry(long ttlMicros, LongSupplier wallMicros) {
    this.ttlMicros = ttlMicros;
    this.wallMicros = wallMicros;
  }

  /** Rows never expire; writes are stamped by the system clock. */
  public static RowExpiry never() {
    return NEVER;
  }

  /** Rows never expire; writes are stamped by {@code wallMicros} (µs since the epoch). */
  public static RowExpiry never(LongSupplier wallMicros) {
    return new RowExpiry(0, wallMicros);
  }

  /**
   * Rows expire {@code ttlMs} after their last write, by {@code wallMicros} (µs since the epoch).
   *
   * @throws IllegalArgumentException when {@code ttlMs} is below 1
   */
  public static RowExpiry after(long ttlMs, LongSupplier wallMicros) {
    if (ttlMs < 1) {
      throw new IllegalArgumentException("ttl-ms must be at least 1, found " + ttlMs);
    }
    // Above ~292,000 years in µs a TTL is "never" in practice; saturate instead of overflowing.
    long micros = ttlMs > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : ttlMs * 1000;
    return new RowExpiry(micros, wallMicros);
  }

  /** As a table definition says: {@link #after} its {@code ttl-ms}, or {@link #never}. */
  public static RowExpiry of(OptionalLong ttlMs, LongSupplier wallMicros) {
    return ttlMs.isPresent() ? after(ttlMs.getAsLong(), wallMicros) : never(wallMicros);
  }

  /** Whether rows expire at all. */
  public boolean applies() {
    return ttlMicros != 0;
  }

  /** The clock that stamps the partition's writes. */
  LongSupplier wallClock() {
    return wallMicros;
  }

  /**
   * Rows whose last write's timestamp is at or below this have expired now; {@link Long#MIN_VALUE}
   * (no row) when rows never expire, without reading the clock.
   */
  public long horizon() {
    return ttlMicros == 0 ? Long.MIN_VALUE : horizonAt(now());
  }

  /** Rows whose last write's timestamp is at or below this had expired at {@code instant}. */
  long horizonAt(long instant) {
    if (ttlMicros == 0) {
      return Long.MIN_VALUE;
    }
    long horizon = instant - ttlMicros;
    return horizon > instant ? Long.MIN_VALUE : horizon; // underflow: nothing expired yet
  }

  /** Whether a row last written at {@code timestamp} has expired now. */
  boolean expired(long timestamp) {
    return ttlMicros != 0 && timestamp <= horizonAt(now());
  }

  /** The wall clock, or the highest reading before it when it stepped back. */
  private long now() {
    long wall = wallMicros.getAsLong();
    while (true) {
      long seen = latest.get();
      if (wall <= seen) {
        return seen;
      }
      // Not accumulateAndGet: that writes the shared word even when the reading is not newer.
      if (latest.compareAndSet(seen, wall)) {
        return wall;
      }
    }
  }
}
