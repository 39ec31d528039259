package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RowExpiryTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000_000L);

  @Test
  void rowsWrittenAtOrBeforeTheHorizonHaveExpired() {
    RowExpiry expiry = RowExpiry.after(300, now::get);
    assertThat(expiry.applies()).isTrue();
    assertThat(expiry.horizon()).isEqualTo(now.get() - 300_000);
    assertThat(expiry.expired(now.get() - 300_000)).isTrue();
    assertThat(expiry.expired(now.get() - 299_999)).isFalse();
  }

  @Test
  void theHorizonNeverGoesBackWithTheWallClock() {
    RowExpiry expiry = RowExpiry.after(300, now::get);
    long before = expiry.horizon();
    now.addAndGet(-10_000_000);
    assertThat(expiry.horizon()).isEqualTo(before);
    now.addAndGet(20_000_000);
    assertThat(expiry.horizon()).isEqualTo(before + 10_000_000);
  }

  @Test
  void withoutATtlNothingExpires() {
    RowExpiry never = RowExpiry.of(OptionalLong.empty(), now::get);
    assertThat(never.applies()).isFalse();
    assertThat(never.horizon()).isEqualTo(Long.MIN_VALUE);
    assertThat(never.expired(Long.MIN_VALUE)).isFalse();
    assertThat(RowExpiry.never().applies()).isFalse();
  }

  @Test
  void aTtlBelowOneMillisecondIsRefusedAndAHugeOneNeverOverflows() {
    assertThatThrownBy(() -> RowExpiry.after(0, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl-ms must be at least 1, found 0");
    RowExpiry huge = RowExpiry.of(OptionalLong.of(Long.MAX_VALUE), now::get);
    assertThat(huge.expired(0)).isFalse();
    now.set(-5);
    RowExpiry negativeClock = RowExpiry.after(Long.MAX_VALUE, now::get);
    assertThat(negativeClock.horizon()).isEqualTo(Long.MIN_VALUE);
  }
}
