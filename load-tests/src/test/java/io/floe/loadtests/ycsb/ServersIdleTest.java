package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServersIdleTest {
  /** CPU readings in nanoseconds, one per call; the clock moves only when the wait sleeps. */
  private static final class Fake {
    final Deque<Long> readings;
    long sleptMillis;

    Fake(List<Long> readings) {
      this.readings = new ArrayDeque<>(readings);
    }

    ServersIdle idle(long windowMillis, double busyCores, long maxMillis) {
      return new ServersIdle(
          () -> readings.isEmpty() ? -1 : readings.poll(),
          millis -> sleptMillis += millis,
          windowMillis,
          busyCores,
          maxMillis);
    }
  }

  private static final long MS = 1_000_000;

  @Test
  void idleServersCostOneWindow() throws Exception {
    // 10 ms of CPU over a 500 ms window: 0.02 cores.
    Fake fake = new Fake(List.of(1_000 * MS, 1_010 * MS));
    ServersIdle.Wait wait = fake.idle(500, 0.10, 60_000).await();
    assertThat(wait).isEqualTo(new ServersIdle.Wait(500, true));
    assertThat(fake.sleptMillis).isEqualTo(500);
  }

  @Test
  void busyServersAreWaitedForUntilOneWindowIsQuiet() throws Exception {
    // Windows of 400, 200, 70 (0.14 cores: still busy) then 40 ms of CPU (0.08 cores).
    Fake fake = new Fake(List.of(0L, 400 * MS, 600 * MS, 670 * MS, 710 * MS));
    ServersIdle.Wait wait = fake.idle(500, 0.10, 60_000).await();
    assertThat(wait).isEqualTo(new ServersIdle.Wait(2_000, true));
    assertThat(fake.sleptMillis).isEqualTo(2_000);
  }

  @Test
  void theWaitGivesUpAtItsLimitAndSaysSo() throws Exception {
    Fake fake = new Fake(List.of(0L, 300 * MS, 600 * MS, 900 * MS, 1_200 * MS, 1_500 * MS));
    ServersIdle.Wait wait = fake.idle(500, 0.10, 2_000).await();
    assertThat(wait).isEqualTo(new ServersIdle.Wait(2_000, false));
    assertThat(fake.readings).containsExactly(1_500 * MS);
  }

  @Test
  void unreadableCpuIsNothingToWaitFor() throws Exception {
    Fake fake = new Fake(List.of());
    assertThat(fake.idle(500, 0.10, 60_000).await()).isEqualTo(new ServersIdle.Wait(0, true));
    assertThat(fake.sleptMillis).isZero();
  }

  @Test
  void aNonsensicalWaitIsRefused() {
    Fake fake = new Fake(List.of());
    assertThatThrownBy(() -> fake.idle(0, 0.1, 1_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fake.idle(500, 0.1, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fake.idle(500, 0, 1_000)).isInstanceOf(IllegalArgumentException.class);
  }
}
