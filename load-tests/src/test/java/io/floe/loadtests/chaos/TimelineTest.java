package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Durability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private long now;

  private final History history = new History(Map.of("t", Durability.S3), () -> now);

  private void write(long from, long to, Outcome outcome) {
    now = from;
    History.Pending p = history.begin(OpKind.WRITE, "t", "k", "v" + from);
    now = to;
    switch (outcome) {
      case OK -> history.ok(p);
      case FAILED -> history.failed(p, "refused");
      case UNKNOWN -> history.unknown(p, "timeout");
    }
  }

  @Test
  void outcomesAndLatenciesArePerSecondOfCompletion() {
    for (int i = 1; i <= 100; i++) {
      write(0, i * 1_000_000L, Outcome.OK); // 1..100 ms, all completed in second 0
    }
    write(1_500_000_000L, 2_100_000_000L, Outcome.FAILED); // second 2
    write(2_000_000_000L, 2_200_000_000L, Outcome.UNKNOWN);
    now = 2_300_000_000L;
    history.begin(OpKind.WRITE, "t", "k", "never"); // never completes: left out

    Timeline tl = Timeline.of(history.ops());

    assertThat(tl.seconds()).containsExactly(0.5, 1.5, 2.5);
    assertThat(tl.ok()).containsExactly(100, 0, 0);
    assertThat(tl.failed()).containsExactly(0, 0, 1);
    assertThat(tl.unknown()).containsExactly(0, 0, 1);
    assertThat(tl.p50Ms()[0]).isEqualTo(50.0);
    assertThat(tl.p99Ms()[0]).isEqualTo(99.0);
    assertThat(tl.maxMs()[0]).isEqualTo(100.0);
    assertThat(tl.p50Ms()[1]).isNaN();
  }

  @Test
  void anEmptyHistoryHasNoSeconds() {
    assertThat(Timeline.of(List.of()).seconds()).isEmpty();
  }
}
