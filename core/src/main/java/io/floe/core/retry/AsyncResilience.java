package io.floe.core.retry;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous face of {@link Resilience}, for calls that return a future and must end by a
 * deadline (the client's requests). The policy is the same — Resilience4j's retry with exponential
 * backoff and jitter, the caller's retryable predicate, the optional circuit breaker, retries
 * logged at DEBUG and giving up at WARN — and the waits are scheduled on the caller's executor (the
 * client passes its event loops), never on a blocked thread.
 *
 * <p>Resilience4j knows attempt counts, not deadlines, so each call drives Resilience4j's {@link
 * Retry.AsyncContext} (which picks the wait, or says stop) and adds one rule: a wait that would end
 * at or past the deadline is not started, and the call fails at once with its last failure. A call
 * therefore ends by its deadline plus however long its last attempt may overrun it (each attempt is
 * expected to carry the same deadline).
 */
public final class AsyncResilience {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncResilience.class);

  private final String name;
  private final Retry retry;
  private final CircuitBreaker breaker; // null when the settings disable it
  private final ScheduledExecutorService scheduler;

  private AsyncResilience(
      String name, Retry retry, CircuitBreaker breaker, ScheduledExecutorService scheduler) {
    this.name = name;
    this.retry = retry;
    this.breaker = breaker;
    this.scheduler = scheduler;
  }

  /**
   * A policy named {@code name} (shown in logs) retrying failures matching {@code retryable}, its
   * waits scheduled on {@code scheduler}.
   */
  public static AsyncResilience of(
      String name,
      ResilienceSettings settings,
      Predicate<Throwable> retryable,
      ScheduledExecutorService scheduler) {
    Retry retry = Resilience.loggedRetry(name, Resilience.retryConfig(settings, retryable));
    return new AsyncResilience(
        name, retry, Resilience.breaker(name, settings, retryable), scheduler);
  }

  /**
   * Runs {@code attempt} until it succeeds, fails in a way the policy does not retry, or the next
   * attempt could not start before {@code deadlineNanos} ({@link System#nanoTime()} scale); then
   * completes with the last failure, unwrapped.
   */
  public <T> CompletableFuture<T> call(
      Supplier<? extends CompletionStage<T>> attempt, long deadlineNanos) {
    Supplier<? extends CompletionStage<T>> guarded = guard(attempt);
    return start(guarded)
        .exceptionallyCompose(failure -> new Call<T>(guarded, deadlineNanos).after(failure));
  }

  /**
   * Continues a call whose first attempt the caller made itself and which failed with {@code
   * firstFailure}: a call that succeeds at once then costs nothing here (the client's hot path).
   * Only for a policy without a circuit breaker, which the first attempt did not pass through.
   */
  public <T> CompletableFuture<T> retryAfter(
      Throwable firstFailure, Supplier<? extends CompletionStage<T>> attempt, long deadlineNanos) {
    if (breaker != null) {
      throw new IllegalStateException(
          name + " has a circuit breaker: use call() so that every attempt passes through it");
    }
    return new Call<T>(attempt, deadlineNanos).after(firstFailure);
  }

  /** The breaker's state, for health reporting and tests; {@code DISABLED} without a breaker. */
  public CircuitBreaker.State circuitState() {
    return breaker == null ? CircuitBreaker.State.DISABLED : breaker.getState();
  }

  private <T> Supplier<? extends CompletionStage<T>> guard(
      Supplier<? extends CompletionStage<T>> attempt) {
    if (breaker == null) {
      return attempt;
    }
    return CircuitBreaker.decorateCompletionStage(breaker, () -> attempt.get());
  }

  private static <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<T>> attempt) {
    try {
      return attempt.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    boolean wrapper =
        failure instanceof CompletionException || failure instanceof ExecutionException;
    return wrapper && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** One call past its first failure: Resilience4j's count and waits, plus the deadline. */
  private final class Call<T> {
    private final Retry.AsyncContext<T> context = retry.asyncContext();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Supplier<? extends CompletionStage<T>> attempt;
    private final long deadlineNanos;
    private int attempts = 1;

    Call(Supplier<? extends CompletionStage<T>> attempt, long deadlineNanos) {
      this.attempt = attempt;
      this.deadlineNanos = deadlineNanos;
    }

    CompletableFuture<T> after(Throwable failure) {
      failed(failure);
      return result;
    }

    private void failed(Throwable failure) {
      Throwable cause = unwrap(failure);
      long waitMillis = context.onError(cause);
      if (waitMillis < 0) {
        result.completeExceptionally(cause); // not retryable, or out of attempts (logged)
        return;
      }
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis) - deadlineNanos >= 0) {
        LOG.warn(
            "{}: giving up after {} attempts, the next could not start before the deadline: {}",
            name,
            attempts,
            String.valueOf(cause));
        result.completeExceptionally(cause);
        return;
      }
      try {
        scheduler.schedule(this::next, waitMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shutDown) {
        result.completeExceptionally(cause);
      }
    }

    private void next() {
      attempts++;
      start(attempt)
          .whenComplete(
              (value, failure) -> {
                if (failure == null) {
                  context.onComplete();
                  result.complete(value);
                } else {
                  failed(failure);
                }
              });
    }
  }
}
