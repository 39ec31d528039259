package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class YcsbResultTest {
  /** Two phases as {@link YcsbPhases} prints them (YCSB's text exporter lines). */
  private static final String PHASES =
      String.join(
          "\n",
          "# phase cold",
          "[OVERALL], RunTime(ms), 2000",
          "[OVERALL], Operations, 1000",
          "[OVERALL], Throughput(ops/sec), 500.0",
          "[CLIENT], CpuTime(ns), 40000000",
          "[CLIENT], JitCpuTime(ns), 9000000",
          "[CLIENT], GcTime(ms), 12",
          "[SERVER], CpuTime(ns), 6000000",
          "[S3], CpuTime(ns), 3500000",
          "[READ], Operations, 498",
          "[READ], AverageLatency(us), 150.2",
          "[READ], MinLatency(us), 40",
          "[READ], MaxLatency(us), 9000",
          "[READ], 50thPercentileLatency(us), 120",
          "[READ], 99thPercentileLatency(us), 800",
          "[READ], Return=OK, 497",
          "[READ], Return=NOT_FOUND, 1",
          "[READ-FAILED], Operations, 1",
          "[READ-FAILED], 50thPercentileLatency(us), 99",
          "[CLEANUP], Operations, 4",
          "[CLEANUP], 50thPercentileLatency(us), 1",
          "[UPDATE], Operations, 502",
          "[UPDATE], 50thPercentileLatency(us), 250",
          "[UPDATE], 99thPercentileLatency(us), 1500",
          "[UPDATE], Return=OK, 500",
          "[UPDATE], Return=ERROR, 2",
          "# phase warm",
          "[OVERALL], RunTime(ms), 2000",
          "[OVERALL], Operations, 4000",
          "[OVERALL], Throughput(ops/sec), 2000.0",
          "[CLIENT], CpuTime(ns), 60000000",
          "[SERVER], CpuTime(ns), -1",
          "[READ], Operations, 2000",
          "[READ], 50thPercentileLatency(us), 90",
          "[READ], 99thPercentileLatency(us), 400",
          "[READ], Return=OK, 2000",
          "[READ-MODIFY-WRITE], Operations, 2000",
          "[READ-MODIFY-WRITE], 50thPercentileLatency(us), 300",
          "[READ-MODIFY-WRITE], 99thPercentileLatency(us), 900",
          "[UPDATE], Operations, 2000",
          "[UPDATE], Return=OK, 2000",
          "[VERIFY], Operations, 2000",
          "[VERIFY], Return=OK, 1999",
          "[VERIFY], Return=UNEXPECTED_STATE, 1");

  @Test
  void eachPhaseHasItsThroughputCpuPerOperationLatenciesAndFailures() {
    List<YcsbResult> phases = YcsbResult.parse(PHASES, "run");

    assertThat(phases).extracting(YcsbResult::phase).containsExactly("cold", "warm");
    YcsbResult cold = phases.get(0);
    assertThat(cold.opsPerSecond()).isEqualTo(500.0);
    assertThat(cold.operations()).isEqualTo(1000);
    assertThat(cold.clientCpuMicrosPerOp()).isCloseTo(40.0, within(1e-9));
    assertThat(cold.clientJitCpuMicrosPerOp()).isCloseTo(9.0, within(1e-9));
    assertThat(cold.serverCpuMicrosPerOp()).isCloseTo(6.0, within(1e-9));
    assertThat(cold.s3CpuMicrosPerOp()).isCloseTo(3.5, within(1e-9));
    assertThat(cold.totalCpuMicrosPerOp()).isCloseTo(49.5, within(1e-9));
    assertThat(cold.gcMillis()).isEqualTo(12);
    assertThat(cold.ops()).containsOnlyKeys("READ", "UPDATE");
    assertThat(cold.ops().get("READ")).isEqualTo(new YcsbResult.OpStats(498, 120, 800));
    assertThat(cold.failed()).isEqualTo(3);
    assertThat(cold.wrongValues()).isZero();
  }

  @Test
  void readModifyWriteHasItsLatencyAndWrongValuesAreCountedApart() {
    YcsbResult warm = YcsbResult.parse(PHASES, "run").get(1);

    assertThat(warm.ops()).containsOnlyKeys("READ", "READ-MODIFY-WRITE", "UPDATE");
    assertThat(warm.ops().get("READ-MODIFY-WRITE").p99Micros()).isEqualTo(900);
    assertThat(warm.serverCpuMicrosPerOp()).isNaN();
    assertThat(warm.clientJitCpuMicrosPerOp()).as("no JitCpuTime line").isNaN();
    assertThat(warm.s3CpuNanos()).as("no [S3] line: not measured").isEqualTo(-1);
    assertThat(warm.s3CpuMicrosPerOp()).isNaN();
    assertThat(warm.totalCpuMicrosPerOp()).as("the server's CPU unknown").isNaN();
    assertThat(warm.failed()).isZero();
    assertThat(warm.wrongValues()).isEqualTo(1);
  }

  @Test
  void ycsbOwnClientOutputIsOnePhaseCountingItsInserts() {
    String load =
        String.join(
            "\n",
            "[OVERALL], RunTime(ms), 1000",
            "[OVERALL], Throughput(ops/sec), 10000.0",
            "[TOTAL_GCS_G1_Young_Generation], Count, 3",
            "[INSERT], Operations, 10000",
            "[INSERT], 50thPercentileLatency(us), 80",
            "[INSERT], 99thPercentileLatency(us), 700",
            "[INSERT], Return=OK, 10000",
            "");

    List<YcsbResult> phases = YcsbResult.parse(load, "load");

    assertThat(phases).hasSize(1);
    assertThat(phases.get(0).phase()).isEqualTo("load");
    assertThat(phases.get(0).operations()).isEqualTo(10000);
    assertThat(phases.get(0).clientCpuMicrosPerOp()).isNaN();
    assertThat(phases.get(0).failed()).isZero();
  }
}
