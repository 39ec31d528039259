package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnexpectedFailureLogTest {
  @Test
  void oneStackTracePerIntervalHoweverManyFailures() {
    AtomicLong now = new AtomicLong(1_000);
    UnexpectedFailureLog log = new UnexpectedFailureLog(now::get, Duration.ofSeconds(60));
    int logged = 0;
    for (int i = 0; i < 10_000; i++) {
      logged += log.log(new IllegalStateException("bug " + i)) ? 1 : 0;
    }
    assertThat(logged).isEqualTo(1);

    now.addAndGet(Duration.ofSeconds(60).toNanos());
    assertThat(log.log(new IllegalStateException("later"))).isTrue();
    assertThat(log.log(new IllegalStateException("again"))).isFalse();
  }
}
