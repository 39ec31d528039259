package io.floe.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.config.ConfigReader;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncResilienceTest {
  static final class Transient extends RuntimeException {
    Transient(String m) {
      super(m);
    }
  }

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** A deadline policy: no attempt cap, short waits, as the client uses it. */
  private AsyncResilience policy(Map<String, String> extra) {
    Map<String, String> p = new HashMap<>();
    p.put("t.retry.max-attempts", Integer.toString(Integer.MAX_VALUE));
    p.put("t.retry.initial-backoff", "1ms");
    p.put("t.retry.max-backoff", "20ms");
    p.put("t.circuit-breaker.enabled", "false");
    p.putAll(extra);
    ResilienceSettings settings = ResilienceSettings.fromProperties(new ConfigReader(p), "t");
    return AsyncResilience.of("test", settings, t -> t instanceof Transient, scheduler);
  }

  private static long in(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  private static Supplier<CompletableFuture<String>> failingUntil(long nanos, AtomicInteger n) {
    return () -> {
      n.incrementAndGet();
      return System.nanoTime() - nanos < 0
          ? CompletableFuture.failedFuture(new Transient("not yet"))
          : CompletableFuture.completedFuture("done");
    };
  }

  @Test
  void retriesForAsLongAsTheDeadlineAllowsNotForAFixedCount() {
    AtomicInteger attempts = new AtomicInteger();
    long readyAt = in(Duration.ofMillis(300));

    String result =
        policy(Map.of()).call(failingUntil(readyAt, attempts), in(Duration.ofSeconds(10))).join();

    assertThat(result).isEqualTo("done");
    assertThat(attempts.get()).isGreaterThan(5);
  }

  @Test
  void givesUpWithTheLastFailureWhenTheNextAttemptCouldNotStartBeforeTheDeadline() {
    AtomicInteger attempts = new AtomicInteger();
    long deadline = in(Duration.ofMillis(250));

    CompletableFuture<String> call =
        policy(Map.of()).call(failingUntil(in(Duration.ofDays(1)), attempts), deadline);

    assertThatThrownBy(call::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(Transient.class);
    long overrun = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline);
    // no wait past the deadline was started: the call ends before it, up to scheduling delays
    assertThat(overrun).isLessThan(100);
    assertThat(attempts.get()).isGreaterThan(5);
  }

  @Test
  void neverRetriesWhatThePredicateRefuses() {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> call =
        policy(Map.of())
            .call(
                () -> {
                  attempts.incrementAndGet();
                  return CompletableFuture.failedFuture(new IllegalStateException("definite"));
                },
                in(Duration.ofSeconds(10)));

    assertThatThrownBy(call::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void retryAfterContinuesFromAFirstAttemptMadeOutside() {
    AtomicInteger attempts = new AtomicInteger();
    long readyAt = in(Duration.ofMillis(50));

    String result =
        policy(Map.of())
            .retryAfter(
                new CompletionException(new Transient("first")),
                failingUntil(readyAt, attempts),
                in(Duration.ofSeconds(10)))
            .join();

    assertThat(result).isEqualTo("done");
    assertThat(attempts.get()).isPositive();
  }

  @Test
  void theAttemptCapStillHoldsWhenConfigured() {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> call =
        policy(Map.of("t.retry.max-attempts", "3"))
            .call(failingUntil(in(Duration.ofDays(1)), attempts), in(Duration.ofSeconds(10)));

    assertThatThrownBy(call::join).hasCauseInstanceOf(Transient.class);
    assertThat(attempts).hasValue(3);
  }

  @Test
  void theCircuitBreakerIsOptional() {
    AsyncResilience without = policy(Map.of("t.retry.max-attempts", "1"));
    for (int i = 0; i < 20; i++) {
      CompletableFuture<String> call =
          without.call(
              () -> CompletableFuture.failedFuture(new Transient("down")),
              in(Duration.ofSeconds(1)));
      assertThatThrownBy(call::join).hasCauseInstanceOf(Transient.class);
    }
    assertThat(without.circuitState()).isEqualTo(CircuitBreaker.State.DISABLED);

    AsyncResilience with =
        policy(
            Map.of(
                "t.retry.max-attempts", "1",
                "t.circuit-breaker.enabled", "true",
                "t.circuit-breaker.window-calls", "4",
                "t.circuit-breaker.minimum-calls", "4"));
    for (int i = 0; i < 4; i++) {
      CompletableFuture<String> call =
          with.call(
              () -> CompletableFuture.failedFuture(new Transient("down")),
              in(Duration.ofSeconds(1)));
      assertThatThrownBy(call::join).hasCauseInstanceOf(Transient.class);
    }
    assertThat(with.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> refused =
        with.call(failingUntil(0, attempts), in(Duration.ofSeconds(1)));
    assertThatThrownBy(refused::join).hasCauseInstanceOf(CallNotPermittedException.class);
    assertThat(attempts).hasValue(0);
    // a first attempt made outside would bypass the breaker
    assertThatThrownBy(
            () -> with.retryAfter(new Transient("x"), failingUntil(0, attempts), in(Duration.ZERO)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSynchronousFaceHonoursADisabledBreakerToo() {
    Map<String, String> p =
        Map.of(
            "t.retry.max-attempts", "1",
            "t.circuit-breaker.enabled", "false",
            "t.circuit-breaker.window-calls", "2",
            "t.circuit-breaker.minimum-calls", "2");
    Resilience r =
        Resilience.of(
            "sync",
            ResilienceSettings.fromProperties(new ConfigReader(p), "t"),
            t -> t instanceof Transient);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(
              () ->
                  r.run(
                      () -> {
                        throw new Transient("down");
                      }))
          .isInstanceOf(Transient.class);
    }
    assertThat(r.circuitState()).isEqualTo(CircuitBreaker.State.DISABLED);
    assertThat(r.call(() -> "still called")).isEqualTo("still called");
  }

  @Test
  void aScopeCanBringItsOwnDefaults() {
    ResilienceSettings own =
        ResilienceSettings.fromProperties(
            new ConfigReader(Map.of("x.retry.max-attempts", "7")),
            "",
            ResilienceSettings.defaults());
    ResilienceSettings read =
        ResilienceSettings.fromProperties(
            new ConfigReader(Map.of("c.retry.initial-backoff", "3ms")),
            "c",
            new ResilienceSettings(
                Integer.MAX_VALUE,
                Duration.ofMillis(5),
                Duration.ofMillis(250),
                2.0,
                0.5,
                50f,
                20,
                10,
                Duration.ofSeconds(30),
                false));

    assertThat(own).isEqualTo(ResilienceSettings.defaults());
    assertThat(read.initialBackoff()).isEqualTo(Duration.ofMillis(3));
    assertThat(read.maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(read.circuitBreakerEnabled()).isFalse();
    assertThat(ResilienceSettings.defaults().circuitBreakerEnabled()).isTrue();
  }
}
