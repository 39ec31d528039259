package io.floe.core.retry;

import io.floe.core.config.ConfigReader;
import java.time.Duration;

/**
 * How hard to retry a remote call and when to stop calling it: exponential backoff with jitter for
 * retryable failures, and a circuit breaker that fails fast once most recent calls failed.
 *
 * <p>Read from properties under a scope ({@code s3}, {@code etcd}): {@code s3.retry.max-attempts},
 * {@code s3.circuit-breaker.failure-rate}, … Keys below are relative to the scope.
 */
public record ResilienceSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    double jitter,
    float failureRatePercent,
    int slidingWindowCalls,
    int minimumCalls,
    Duration openDuration) {

  public static final String MAX_ATTEMPTS = "retry.max-attempts";
  public static final int MAX_ATTEMPTS_DEFAULT = 5;
  public static final String INITIAL_BACKOFF = "retry.initial-backoff";
  public static final Duration INITIAL_BACKOFF_DEFAULT = Duration.ofMillis(100);
  public static final String MAX_BACKOFF = "retry.max-backoff";
  public static final Duration MAX_BACKOFF_DEFAULT = Duration.ofSeconds(5);
  public static final String BACKOFF_MULTIPLIER = "retry.backoff-multiplier";
  public static final double BACKOFF_MULTIPLIER_DEFAULT = 2.0;
  public static final String JITTER = "retry.jitter";
  public static final double JITTER_DEFAULT = 0.5;
  public static final String FAILURE_RATE = "circuit-breaker.failure-rate";
  public static final float FAILURE_RATE_DEFAULT = 50f;
  public static final String WINDOW_CALLS = "circuit-breaker.window-calls";
  public static final int WINDOW_CALLS_DEFAULT = 20;
  public static final String MINIMUM_CALLS = "circuit-breaker.minimum-calls";
  public static final int MINIMUM_CALLS_DEFAULT = 10;
  public static final String OPEN_DURATION = "circuit-breaker.open-duration";
  public static final Duration OPEN_DURATION_DEFAULT = Duration.ofSeconds(30);

  public ResilienceSettings {
    require(maxAttempts >= 1, MAX_ATTEMPTS + " must be at least 1");
    require(!initialBackoff.isNegative() && !initialBackoff.isZero(), "backoff must be positive");
    require(maxBackoff.compareTo(initialBackoff) >= 0, "max backoff below initial backoff");
    require(backoffMultiplier >= 1.0, BACKOFF_MULTIPLIER + " must be at least 1");
    require(jitter >= 0 && jitter < 1, JITTER + " must be in [0, 1)");
    require(failureRatePercent > 0 && failureRatePercent <= 100, FAILURE_RATE + " not in (0, 100]");
    require(minimumCalls >= 1 && slidingWindowCalls >= 1, "circuit breaker windows must be >= 1");
    require(!openDuration.isNegative() && !openDuration.isZero(), OPEN_DURATION + " must be > 0");
  }

  /** The defaults of every key. */
  public static ResilienceSettings defaults() {
    return new ResilienceSettings(
        MAX_ATTEMPTS_DEFAULT,
        INITIAL_BACKOFF_DEFAULT,
        MAX_BACKOFF_DEFAULT,
        BACKOFF_MULTIPLIER_DEFAULT,
        JITTER_DEFAULT,
        FAILURE_RATE_DEFAULT,
        WINDOW_CALLS_DEFAULT,
        MINIMUM_CALLS_DEFAULT,
        OPEN_DURATION_DEFAULT);
  }

  /** Reads the settings under {@code scope} ({@code "s3"} reads {@code s3.retry.max-attempts}). */
  public static ResilienceSettings fromProperties(ConfigReader config, String scope) {
    return fromProperties(config, scope, defaults());
  }

  /**
   * Reads the settings under {@code scope}; a key not set takes its value from {@code defaults}
   * (for a scope whose defaults differ from the general ones).
   */
  public static ResilienceSettings fromProperties(
      ConfigReader config, String scope, ResilienceSettings defaults) {
    String p = scope.isEmpty() ? "" : scope + ".";
    return new ResilienceSettings(
        config.integer(p + MAX_ATTEMPTS, defaults.maxAttempts()),
        config.duration(p + INITIAL_BACKOFF, defaults.initialBackoff()),
        config.duration(p + MAX_BACKOFF, defaults.maxBackoff()),
        config.decimal(p + BACKOFF_MULTIPLIER, defaults.backoffMultiplier()),
        config.decimal(p + JITTER, defaults.jitter()),
        (float) config.decimal(p + FAILURE_RATE, defaults.failureRatePercent()),
        config.integer(p + WINDOW_CALLS, defaults.slidingWindowCalls()),
        config.integer(p + MINIMUM_CALLS, defaults.minimumCalls()),
        config.duration(p + OPEN_DURATION, defaults.openDuration()));
  }

  /** These settings with another backoff range. */
  public ResilienceSettings withBackoff(Duration initial, Duration max) {
    return new ResilienceSettings(
        maxAttempts,
        initial,
        max,
        backoffMultiplier,
        jitter,
        failureRatePercent,
        slidingWindowCalls,
        minimumCalls,
        openDuration);
  }

  /** These settings with another number of attempts and time the breaker stays open. */
  public ResilienceSettings withAttempts(int attempts, Duration breakerOpen) {
    return new ResilienceSettings(
        attempts,
        initialBackoff,
        maxBackoff,
        backoffMultiplier,
        jitter,
        failureRatePercent,
        slidingWindowCalls,
        minimumCalls,
        breakerOpen);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
