package io.floe.core.retry;

import io.floe.core.config.ConfigReader;
import java.time.Duration;

/**
 * How hard to retry a remote call and when to stop calling it: exponential backoff with jitter for
 * retryable failures, and (unless {@code circuit-breaker.enabled} is false) a circuit breaker that
 * fails fast once most recent calls failed. A policy with a deadline per call (the client's) sets
 * {@code retry.max-attempts} to its largest value and lets the deadline end the retries.
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
    Duration openDuration,
    boolean circuitBreakerEnabled) {

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

  /**
   * Short on purpose: a data node promoted to leader needs S3 (and every node etcd) within seconds
   * of an outage's end, and a breaker open for longer holds a failover back for that long (30 s
   * held every promotion after a 3 s S3 outage in the fault harness). While open, calls still fail
   * fast; every 2 s a few go through to find out.
   */
  public static final Duration OPEN_DURATION_DEFAULT = Duration.ofSeconds(2);

  public static final String BREAKER_ENABLED = "circuit-breaker.enabled";
  public static final boolean BREAKER_ENABLED_DEFAULT = true;

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
        OPEN_DURATION_DEFAULT,
        BREAKER_ENABLED_DEFAULT);
  }

  /**
   * A retry-only policy, the defaults of a scope that is not a remote store (the client, the WAL, a
   * manifest commit): {@code attempts} tries, backing off from {@code initial} to {@code max} with
   * {@code jitter}, and no circuit breaker.
   */
  public static ResilienceSettings retryOnly(
      int attempts, Duration initial, Duration max, double jitter) {
    return new ResilienceSettings(
        attempts,
        initial,
        max,
        BACKOFF_MULTIPLIER_DEFAULT,
        jitter,
        FAILURE_RATE_DEFAULT,
        WINDOW_CALLS_DEFAULT,
        MINIMUM_CALLS_DEFAULT,
        OPEN_DURATION_DEFAULT,
        false);
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
    ResilienceSettings d = defaults;
    return new ResilienceSettings(
        config.integer(p + MAX_ATTEMPTS, d.maxAttempts()),
        config.duration(p + INITIAL_BACKOFF, d.initialBackoff()),
        config.duration(p + MAX_BACKOFF, d.maxBackoff()),
        config.decimal(p + BACKOFF_MULTIPLIER, d.backoffMultiplier()),
        config.decimal(p + JITTER, d.jitter()),
        (float) config.decimal(p + FAILURE_RATE, d.failureRatePercent()),
        config.integer(p + WINDOW_CALLS, d.slidingWindowCalls()),
        config.integer(p + MINIMUM_CALLS, d.minimumCalls()),
        config.duration(p + OPEN_DURATION, d.openDuration()),
        config.bool(p + BREAKER_ENABLED, d.circuitBreakerEnabled()));
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
        openDuration,
        circuitBreakerEnabled);
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
        breakerOpen,
        circuitBreakerEnabled);
  }

  /** These settings with no circuit breaker: the calls are retried but never refused fast. */
  public ResilienceSettings withoutBreaker() {
    return new ResilienceSettings(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        backoffMultiplier,
        jitter,
        failureRatePercent,
        slidingWindowCalls,
        minimumCalls,
        openDuration,
        false);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
