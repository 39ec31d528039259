package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class S3LagTest {
  @Test
  void readsTheLagFromAPrometheusScrapeWithOrWithoutLabels() {
    String scrape =
        "# HELP floe_wal_lag_window_max_seconds Largest lag to durable\n"
            + "# TYPE floe_wal_lag_window_max_seconds gauge\n"
            + "floe_wal_lag_window_max_seconds_other 9.0\n"
            + "floe_wal_lag_window_max_seconds 0.137\n";
    assertThat(S3Lag.parse(scrape)).hasValue(0.137);
    assertThat(S3Lag.parse("floe_wal_lag_window_max_seconds{node=\"a\",} 2.5\n")).hasValue(2.5);
    assertThat(S3Lag.parse("floe_wal_unshipped_bytes 10.0\n")).isEmpty();
    assertThat(S3Lag.parse("floe_wal_lag_window_max_seconds NaN\n")).isEmpty();
  }

  @Test
  void percentilesSpanEveryNodesSamples() {
    double[] lags = new double[100];
    for (int i = 0; i < 100; i++) {
      lags[i] = (i + 1) / 100.0;
    }
    double[] seconds = new double[100];
    List<S3Lag.NodeSeries> series =
        List.of(
            new S3Lag.NodeSeries("a", seconds, lags),
            new S3Lag.NodeSeries("b", new double[] {1}, new double[] {7.0}),
            new S3Lag.NodeSeries("c", new double[0], new double[0]));

    double[] p = S3Lag.percentiles(series);

    assertThat(p[0]).isEqualTo(0.51);
    assertThat(p[1]).isEqualTo(1.0);
    assertThat(p[2]).isEqualTo(7.0);
    assertThat(S3Lag.percentiles(List.of(series.get(2)))).isEmpty();
  }
}
