package io.floe.core.retry;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry mechanism of Floe for remote calls (S3, etcd): each call runs through a circuit
 * breaker (when the settings enable one) and is retried with exponential backoff and jitter while
 * it fails with an exception the caller's predicate calls retryable. Non-retryable failures (a 404,
 * a lost conditional write, bad credentials) pass through at once and do not count against the
 * breaker.
 *
 * <p>Retries are logged at DEBUG, giving up at WARN. While the breaker is open, calls fail at once
 * with {@link CallNotPermittedException}; callers usually translate it into their own exception.
 *
 * <p>{@link AsyncResilience} is the same policy for calls that return a future and end at a
 * deadline (the client's requests).
 */
public final class Resilience {
  private static final Logger LOG = LoggerFactory.getLogger(Resilience.class);

  private final Retry retry;
  private final CircuitBreaker breaker; // null when the settings disable it

  private Resilience(Retry retry, CircuitBreaker breaker) {
    this.retry = retry;
    this.breaker = breaker;
  }

  /** A policy named {@code name} (shown in logs) retrying failures matching {@code retryable}. */
  public static Resilience of(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    return new Resilience(
        loggedRetry(name, retryConfig(settings, retryable)), breaker(name, settings, retryable));
  }

  /** A retry logging each retry at DEBUG and giving up at WARN. */
  static Retry loggedRetry(String name, RetryConfig config) {
    Retry retry = Retry.of(name, config);
    retry
        .getEventPublisher()
        .onRetry(
            e ->
                LOG.debug(
                    "{}: attempt {} failed, retrying in {} ms: {}",
                    name,
                    e.getNumberOfRetryAttempts(),
                    e.getWaitInterval().toMillis(),
                    String.valueOf(e.getLastThrowable())))
        .onError(
            e ->
                LOG.warn(
                    "{}: giving up after {} attempts: {}",
                    name,
                    e.getNumberOfRetryAttempts(),
                    String.valueOf(e.getLastThrowable())));
    return retry;
  }

  /** The policy's circuit breaker, or null when its settings disable it. */
  static CircuitBreaker breaker(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    if (!settings.circuitBreakerEnabled()) {
      return null;
    }
    CircuitBreaker breaker = CircuitBreaker.of(name, breakerConfig(settings, retryable));
    breaker
        .getEventPublisher()
        .onStateTransition(e -> LOG.warn("{}: circuit breaker {}", name, e.getStateTransition()));
    return breaker;
  }

  /**
   * A policy that retries like {@link #of} but never fails fast: for a remote side whose recovery
   * the caller must see at once (etcd: a node re-registers as soon as etcd is back), where a
   * breaker's open state would only add delay to calls that are few and bounded anyway.
   */
  public static Resilience withoutBreaker(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    return of(name, settings.withoutBreaker(), retryable);
  }

  /** Runs {@code call}, retrying it while it fails retryably and the breaker lets it through. */
  public <T> T call(Supplier<T> call) {
    Supplier<T> guarded = breaker == null ? call : CircuitBreaker.decorateSupplier(breaker, call);
    return Retry.decorateSupplier(retry, guarded).get();
  }

  public void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }

  /** The breaker's state, for health reporting and tests; {@code DISABLED} without a breaker. */
  public CircuitBreaker.State circuitState() {
    return breaker == null ? CircuitBreaker.State.DISABLED : breaker.getState();
  }

  static RetryConfig retryConfig(ResilienceSettings s, Predicate<Throwable> retryable) {
    return RetryConfig.custom()
        .maxAttempts(s.maxAttempts())
        .intervalFunction(
            IntervalFunction.ofExponentialRandomBackoff(
                s.initialBackoff(), s.backoffMultiplier(), s.jitter(), s.maxBackoff()))
        .retryOnException(retryable)
        .failAfterMaxAttempts(false)
        .build();
  }

  private static CircuitBreakerConfig breakerConfig(
      ResilienceSettings s, Predicate<Throwable> retryable) {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(s.slidingWindowCalls())
        .minimumNumberOfCalls(s.minimumCalls())
        .failureRateThreshold(s.failureRatePercent())
        .waitDurationInOpenState(s.openDuration())
        .permittedNumberOfCallsInHalfOpenState(1)
        // only failures of the remote side count; a 404 or a lost race says nothing of its health
        .recordException(retryable)
        .build();
  }
}
