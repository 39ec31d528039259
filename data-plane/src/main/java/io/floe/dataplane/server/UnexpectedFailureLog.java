package io.floe.dataplane.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs requests that failed unexpectedly ({@code INTERNAL}): one ERROR with its stack trace per
 * interval, the others counted and reported with the next one (each still at DEBUG, in one line).
 * Whatever a client can trigger, it must not be able to flood the node's log.
 */
final class UnexpectedFailureLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailureLog.class);

  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final AtomicLong nextReport;
  private final AtomicLong unreported = new AtomicLong();

  UnexpectedFailureLog() {
    this(System::nanoTime, INTERVAL);
  }

  UnexpectedFailureLog(LongSupplier nanoClock, Duration interval) {
    this.nanoClock = nanoClock;
    this.intervalNanos = interval.toNanos();
    this.nextReport = new AtomicLong(nanoClock.getAsLong());
  }

  /** Returns true when this failure was logged with its stack trace. */
  boolean log(Throwable failure) {
    long now = nanoClock.getAsLong();
    long next = nextReport.get();
    if (now - next >= 0 && nextReport.compareAndSet(next, now + intervalNanos)) {
      LOG.error(
          "request failed unexpectedly ({} more since the last report)",
          unreported.getAndSet(0),
          failure);
      return true;
    }
    unreported.incrementAndGet();
    LOG.debug("request failed unexpectedly: {}", failure.toString());
    return false;
  }
}
