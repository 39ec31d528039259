package io.floe.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.config.ConfigReader;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResilienceTest {
  /** Stands for a failure the caller calls retryable (a 503, an I/O error). */
  static final class Transient extends RuntimeException {
    Transient(String m) {
      super(m);
    }
  }

  private static ResilienceSettings quick(Map<String, String> extra) {
    Map<String, String> p =
        new java.util.HashMap<>(
            Map.of(
                "t.retry.max-attempts", "4",
                "t.retry.initial-backoff", "1ms",
                "t.retry.max-backoff", "5ms",
                "t.circuit-breaker.window-calls", "4",
                "t.circuit-breaker.minimum-calls", "4"));
    p.putAll(extra);
    return ResilienceSettings.fromProperties(new ConfigReader(p), "t");
  }

  private static Resilience resilience(Map<String, String> extra) {
    return Resilience.of("test", quick(extra), t -> t instanceof Transient);
  }

  @Test
  void retriesRetryableFailuresUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        resilience(Map.of())
            .call(
                () -> {
                  if (calls.incrementAndGet() < 3) {
                    throw new Transient("busy");
                  }
                  return "done";
                });

    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void neverRetriesOtherFailures() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                resilience(Map.of())
                    .call(
                        () -> {
                          calls.incrementAndGet();
                          throw new IllegalStateException("412");
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailure() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                resilience(Map.of())
                    .run(
                        () -> {
                          throw new Transient("attempt " + calls.incrementAndGet());
                        }))
        .isInstanceOf(Transient.class)
        .hasMessage("attempt 4");
  }

  @Test
  void breakerOpensOnRetryableFailuresOnlyAndThenFailsFast() {
    Resilience r = resilience(Map.of("t.retry.max-attempts", "1"));
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(
              () ->
                  r.run(
                      () -> {
                        throw new IllegalArgumentException(
                            "a 404 says nothing of the store's health");
                      }))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(r.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);

    // non-retryable failures counted as answers: 2 of the last 4 calls failing is 50%
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  r.run(
                      () -> {
                        throw new Transient("down");
                      }))
          .isInstanceOf(Transient.class);
    }
    AtomicInteger calls = new AtomicInteger();

    assertThat(r.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> r.run(calls::incrementAndGet))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(calls).hasValue(0);
  }

  @Test
  void settingsHaveDefaultsAndRejectNonsense() {
    ResilienceSettings d = ResilienceSettings.defaults();
    assertThat(d.maxAttempts()).isEqualTo(ResilienceSettings.MAX_ATTEMPTS_DEFAULT);
    assertThat(d.initialBackoff()).isEqualTo(ResilienceSettings.INITIAL_BACKOFF_DEFAULT);

    assertThatThrownBy(() -> quick(Map.of("t.retry.max-attempts", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry.max-attempts");
    assertThatThrownBy(() -> quick(Map.of("t.retry.jitter", "1.5")))
        .hasMessageContaining("retry.jitter");
  }
}
