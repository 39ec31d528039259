package io.floe.core.retry;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The wait before each next try of a loop that goes on until it works or its owner stops it
 * (registering again in etcd, loading a replica that failed): exponential with jitter as the {@link
 * ResilienceSettings} say, so such loops take their policy from configuration like every other
 * retry of Floe. One per loop, used from one thread.
 */
public final class Backoff {
  /** Past this many tries the wait is the maximum anyway; keeps the exponent finite. */
  private static final int MAX_COUNTED_ATTEMPTS = 64;

  private final IntervalFunction intervals;
  private int attempt;

  public Backoff(ResilienceSettings settings) {
    this.intervals =
        IntervalFunction.ofExponentialRandomBackoff(
            settings.initialBackoff(),
            settings.backoffMultiplier(),
            settings.jitter(),
            settings.maxBackoff());
  }

  /** The wait before the next try: the initial backoff first, then growing up to the maximum. */
  public Duration next() {
    attempt = Math.min(attempt + 1, MAX_COUNTED_ATTEMPTS);
    return Duration.ofMillis(intervals.apply(attempt));
  }

  /** The loop succeeded: its next failure waits the initial backoff again. */
  public void reset() {
    attempt = 0;
  }
}
