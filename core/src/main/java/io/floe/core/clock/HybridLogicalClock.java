package io.floe.core.clock;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (DESIGN.md §4) counted in microseconds since the Unix epoch: each
 * timestamp is {@code max(wall-clock µs, previous + 1)}. Timestamps are therefore real instants
 * that any engine reads as such (a Parquet {@code TIMESTAMP(MICROS)}, a JSON integer below 2^53),
 * unique and strictly increasing within a clock, and they never go backwards — not when the wall
 * clock steps back, and not across a leader change, since a new leader first {@link #observe}s the
 * highest timestamp of the partition's history. The logical part is folded into the microseconds:
 * only past a million timestamps per second does the clock run ahead of the wall, and it falls back
 * to it as soon as the rate drops. Thread-safe and lock-free.
 */
public final class HybridLogicalClock {
  private final LongSupplier wallMicros;
  private final AtomicLong last = new AtomicLong();

  public HybridLogicalClock() {
    this(HybridLogicalClock::systemMicros);
  }

  public HybridLogicalClock(LongSupplier wallMicros) {
    this.wallMicros = wallMicros;
  }

  /** A timestamp strictly greater than every one this clock returned or observed before. */
  public long now() {
    long physical = wallMicros.getAsLong();
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

  /** The wall clock in microseconds since the epoch. */
  public static long systemMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
