package io.floe.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final ResilienceSettings settings =
      ResilienceSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void waitsGrowFromTheInitialBackoffUpToTheMaximumWithinTheJitter() {
    Backoff backoff = new Backoff(settings);
    double jitter = settings.jitter();
    assertThat(backoff.next().toMillis()).isBetween(500L, 1500L);
    assertThat(backoff.next().toMillis())
        .isBetween((long) (2000 * (1 - jitter)), (long) (2000 * (1 + jitter)));
    for (int i = 0; i < 100; i++) {
      assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofMillis((long) (30_000 * 1.5)));
    }
  }

  @Test
  void resetStartsAgainFromTheInitialBackoff() {
    Backoff backoff = new Backoff(settings);
    for (int i = 0; i < 10; i++) {
      backoff.next();
    }
    backoff.reset();
    assertThat(backoff.next().toMillis()).isBetween(500L, 1500L);
  }
}
