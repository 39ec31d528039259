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
 * breaker and is retried with exponential backoff and jitter while it fails with an exception the
 * caller's predicate calls retryable. Non-retryable failures (a 404, a lost conditional write, bad
 * credentials) pass through at once and do not count against the breaker.
 *
 * <p>Retries are logged at DEBUG, giving up at WARN. While the breaker is open, calls fail at once
 * with {@link CallNotPermittedException}; callers usually translate it into their own exception.
 */
public final class Resilience {
  private static final Logger LOG = LoggerFactory.getLogger(Resilience.class);

  private final Retry retry;
  private final CircuitBreaker breaker;

  private Resilience(Retry retry, CircuitBreaker breaker) {
    this.retry = retry;
    this.breaker = breaker;
  }

  /** A policy named {@code name} (shown in logs) retrying failures matching {@code retryable}. */
  public static Resilience of(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    CircuitBreaker breaker = CircuitBreaker.of(name, breakerConfig(settings, retryable));
    breaker
        .getEventPublisher()
        .onStateTransition(e -> LOG.warn("{}: circuit breaker {}", name, e.getStateTransition()));
    return new Resilience(retry(name, settings, retryable), breaker);
  }

  private static Retry retry(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    Retry retry = Retry.of(name, retryConfig(settings, retryable));
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

  /**
   * A policy that retries like {@link #of} but never fails fast: for a remote side whose recovery
   * the caller must see at once (etcd: a node re-registers as soon as etcd is back), where a
   * breaker's open state would only add delay to calls that are few and bounded anyway.
   */
  public static Resilience withoutBreaker(
      String name, ResilienceSettings settings, Predicate<Throwable> retryable) {
    CircuitBreaker disabled = CircuitBreaker.of(name, breakerConfig(settings, retryable));
    disabled.transitionToDisabledState();
    return new Resilience(retry(name, settings, retryable), disabled);
  }

  /** Runs {@code call}, retrying it while it fails retryably and the breaker lets it through. */
  public <T> T call(Supplier<T> call) {
    return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
  }

  public void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }

  /** The breaker's state, for health reporting and tests. */
  public CircuitBreaker.State circuitState() {
    return breaker.getState();
  }

  private static RetryConfig retryConfig(ResilienceSettings s, Predicate<Throwable> retryable) {
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
