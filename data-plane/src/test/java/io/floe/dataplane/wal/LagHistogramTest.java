package io.floe.dataplane.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LagHistogramTest {
  @Test
  void emptyHistogramReportsZero() {
    LagHistogram h = new LagHistogram();
    assertThat(h.percentile(0.5)).isZero();
    assertThat(h.percentile(0.99)).isZero();
    assertThat(h.max()).isZero();
    assertThat(h.count()).isZero();
  }

  @Test
  void smallValuesAreExact() {
    LagHistogram h = new LagHistogram();
    for (long v : new long[] {3, 5, 7, 9, 11}) {
      h.record(v);
    }
    assertThat(h.percentile(0.5)).isEqualTo(7);
    assertThat(h.percentile(0.2)).isEqualTo(3);
    assertThat(h.percentile(1.0)).isEqualTo(11);
    assertThat(h.max()).isEqualTo(11);
  }

  @Test
  void percentilesOfAUniformRangeAreWithinOneSixteenth() {
    LagHistogram h = new LagHistogram();
    for (long v = 1; v <= 100_000; v++) {
      h.record(v);
    }
    assertThat(h.count()).isEqualTo(100_000);
    assertThat(h.percentile(0.5)).isBetween(50_000L, 50_000L + 50_000L / 16);
    assertThat(h.percentile(0.99)).isBetween(99_000L, 100_000L);
    assertThat(h.percentile(1.0)).isEqualTo(100_000);
    assertThat(h.max()).isEqualTo(100_000);
  }

  @Test
  void aSkewedDistributionShowsItsTail() {
    LagHistogram h = new LagHistogram();
    for (int i = 0; i < 990; i++) {
      h.record(200_000); // 200 ms: one flush interval
    }
    for (int i = 0; i < 10; i++) {
      h.record(3_000_000); // 3 s: a slow put
    }
    assertThat((double) h.percentile(0.5)).isCloseTo(200_000, within(200_000 / 16.0));
    assertThat((double) h.percentile(0.99)).isCloseTo(200_000, within(200_000 / 16.0));
    assertThat((double) h.percentile(0.995)).isCloseTo(3_000_000, within(3_000_000 / 16.0));
    assertThat(h.max()).isEqualTo(3_000_000);
  }

  @Test
  void negativeValuesCountAsZeroAndResetEmpties() {
    LagHistogram h = new LagHistogram();
    h.record(-5);
    assertThat(h.percentile(0.5)).isZero();
    assertThat(h.count()).isEqualTo(1);
    h.reset();
    assertThat(h.count()).isZero();
    h.record(Long.MAX_VALUE);
    assertThat(h.percentile(0.5)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void everyBucketHoldsTheValuesItClaims() {
    for (long v : new long[] {15, 16, 17, 31, 32, 33, 1023, 1024, 1_000_003, 1L << 40}) {
      int i = LagHistogram.indexOf(v);
      assertThat(LagHistogram.highestIn(i)).isGreaterThanOrEqualTo(v);
      assertThat(LagHistogram.highestIn(i)).isLessThanOrEqualTo(v + v / 16);
      if (i > 0) {
        assertThat(LagHistogram.highestIn(i - 1)).isLessThan(v);
      }
    }
  }
}
