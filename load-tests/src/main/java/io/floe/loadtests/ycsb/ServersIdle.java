package io.floe.loadtests.ycsb;

import java.util.function.LongSupplier;

/**
 * Waits before a run until the servers are idle: the previous run's background work — a Floe node's
 * snapshots of the rows it just rewrote and their upload into the S3 endpoint — finishes before the
 * next run's cold phase starts, instead of landing on it (which store ran before would otherwise
 * decide the next cell). Idle means the servers together used less than {@code busyCores} of a core
 * over one {@code windowMillis} window; the wait gives up after {@code maxMillis} and the run goes
 * ahead (the wait is reported either way).
 */
final class ServersIdle {
  /** Sleeps for a number of milliseconds (the tests pass a fake clock). */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** How long the servers waited for, and whether they went idle within the limit. */
  record Wait(long millis, boolean idle) {}

  static final long WINDOW_MILLIS = 500;
  static final double BUSY_CORES = 0.10;
  static final long MAX_MILLIS = 60_000;

  private final LongSupplier cpuNanos;
  private final Sleeper sleeper;
  private final long windowMillis;
  private final double busyCores;
  private final long maxMillis;

  /**
   * @param cpuNanos CPU time used so far by the servers together, in nanoseconds; negative when not
   *     readable (then there is nothing to wait for)
   */
  ServersIdle(
      LongSupplier cpuNanos, Sleeper sleeper, long windowMillis, double busyCores, long maxMillis) {
    if (windowMillis < 1 || maxMillis < windowMillis || !(busyCores > 0)) {
      throw new IllegalArgumentException(
          "window " + windowMillis + " ms, limit " + maxMillis + " ms, busy " + busyCores);
    }
    this.cpuNanos = cpuNanos;
    this.sleeper = sleeper;
    this.windowMillis = windowMillis;
    this.busyCores = busyCores;
    this.maxMillis = maxMillis;
  }

  /** Waits until one window of the servers' CPU stays under the threshold, or the limit. */
  Wait await() throws InterruptedException {
    long before = cpuNanos.getAsLong();
    if (before < 0) {
      return new Wait(0, true);
    }
    long waited = 0;
    while (waited < maxMillis) {
      sleeper.sleep(windowMillis);
      waited += windowMillis;
      long after = cpuNanos.getAsLong();
      if (after < 0) {
        return new Wait(waited, true); // a server went away: the run will say so
      }
      if (after - before < busyCores * windowMillis * 1_000_000) {
        return new Wait(waited, true);
      }
      before = after;
    }
    return new Wait(waited, false);
  }
}
