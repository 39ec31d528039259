package io.floe.loadtests.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the nodes' replication lag histograms: parsing, differences over a phase, quantiles. */
class ReplicationLagTest {
  private static final String SCRAPE =
      """
      # HELP floe_replication_lag_seconds Replication lag
      # TYPE floe_replication_lag_seconds histogram
      floe_replication_lag_seconds_bucket{node="n1",le="1.0E-4"} 10.0
      floe_replication_lag_seconds_bucket{node="n1",le="0.001"} 90.0
      floe_replication_lag_seconds_bucket{node="n1",le="0.01"} 99.0
      floe_replication_lag_seconds_bucket{node="n1",le="+Inf"} 100.0
      floe_replication_lag_seconds_count{node="n1"} 100.0
      floe_replication_lag_seconds_sum{node="n1"} 0.2
      floe_replication_follower_lag_entries{node="n1"} 3.0
      """;

  @Test
  void bucketsAreReadFromAScrape() {
    assertThat(ReplicationLag.buckets(SCRAPE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(1e-4, 10.0, 1e-3, 90.0, 1e-2, 99.0, Double.POSITIVE_INFINITY, 100.0));
    assertThat(ReplicationLag.buckets("floe_requests_total 3\n")).isEmpty();
  }

  @Test
  void theQuantileIsTheBucketItFallsInOverThePhaseOnly() {
    Map<Double, Double> before = ReplicationLag.buckets(SCRAPE);
    Map<Double, Double> after =
        Map.of(1e-4, 1010.0, 1e-3, 1090.0, 1e-2, 1099.0, Double.POSITIVE_INFINITY, 1100.0);
    // Over the phase: 1000 samples, all under 100 µs.
    Map<Double, Double> phase = ReplicationLag.difference(after, before);
    assertThat(ReplicationLag.count(phase)).isEqualTo(1000);
    assertThat(ReplicationLag.quantile(phase, 0.99)).hasValue(1e-4);
    // Over everything since the nodes started: the slow start shows.
    assertThat(ReplicationLag.quantile(after, 0.99)).hasValue(1e-3);
    assertThat(ReplicationLag.quantile(before, 0.99)).hasValue(1e-2);
    assertThat(ReplicationLag.quantile(before, 0.995)).hasValue(Double.POSITIVE_INFINITY);
    assertThat(ReplicationLag.quantile(Map.of(), 0.99)).isEmpty();

    ReplicationLag.add(phase, phase);
    assertThat(ReplicationLag.count(phase)).isEqualTo(2000);
  }
}
