package io.floe.core.clock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (DESIGN.md §4): timestamps are {@code physical-ms << 16 | counter}, so
 * they sort like wall-clock time, stay close to it, and never go backwards — not when the wall
 * clock steps back, and not across a leader change, since a new leader first {@link #observe}s the
 * highest timestamp of the partition's history. Thread-safe and lock-free.
 */
public final class HybridLogicalClock {
  /** Bits of the logical counter: 65,536 timestamps per millisecond before borrowing the next. */
  public static final int LOGICAL_BITS = 16;

  private final LongSupplier wallMillis;
  private final AtomicLong last = new AtomicLong();

  public HybridLogicalClock() {
    this(System::currentTimeMillis);
  }

  public HybridLogicalClock(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** A timestamp strictly greater than every one this clock returned or observed before. */
  public long now() {
    long physical = wallMillis.getAsLong() << LOGICAL_BITS;
    while (true) {
      long previous = last.get();
      long next = Math.max(physical, previous + 1);
      if (last.compareAndSet(previous, next)) {
        return next;
      }
    }
  }

  /** Moves the clock past {@code timestamp} (one loaded from the log or sent by a peer). */
  public void observe(long timestamp) {
    last.accumulateAndGet(timestamp, Math::max);
  }

  /** The last timestamp handed out or observed. */
  public long last() {
    return last.get();
  }

  public static long physicalMillis(long timestamp) {
    return timestamp >>> LOGICAL_BITS;
  }

  public static long logical(long timestamp) {
    return timestamp & ((1L << LOGICAL_BITS) - 1);
  }
}
