package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness's short run, part of the test command: every fault kind once against a cluster of
 * separate processes under a YCSB A workload, then the history check, with the client's default
 * request timeout (10 s): requests waiting on a silent old leader are given up once the partition
 * has moved, not at their deadline. It fails on any anomaly in {@code replicated} or {@code s3}
 * mode, a phantom anywhere, a fault the cluster did not recover from, or a partition without an
 * acknowledged write for longer than the run's limit across a fault.
 */
class ChaosIT {
  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everyFaultKindOnceLosesNoAcknowledgedWriteInReplicatedAndS3Modes() throws Exception {
    Path reports = Files.createDirectories(Path.of("target", "chaos-reports"));
    ChaosRun.Settings settings =
        ChaosRun.Settings.parse(
            Map.of(
                "per-kind", "1",
                "threads", "3", // one client thread per table
                // A steady load like the shared threads made (about 200 operations a second): left
                // free, the memory and replicated tables' threads keep both cores busy, and the
                // restarted processes take that long to start.
                "rate", "300",
                "keys", "500",
                "warmup-seconds", "5",
                "gap-seconds", "1",
                "report-dir", reports.toString()));

    ChaosRun.Outcome outcome = ChaosRun.run(settings);

    System.out.println("[chaos-it] report " + outcome.report());
    System.out.println(outcome.check().summary());
    Set<FaultKind> injected =
        outcome.faults().stream().map(Faults.FaultEvent::kind).collect(Collectors.toSet());
    assertThat(injected).isEqualTo(EnumSet.allOf(FaultKind.class));
    assertThat(outcome.faults()).hasSize(FaultKind.values().length);
    assertThat(outcome.faults())
        .as("faults the cluster did not recover from")
        .filteredOn(e -> e.problem() != null)
        .isEmpty();
    for (Durability mode : Durability.values()) {
      assertThat(outcome.check().counts(mode).acknowledgedWrites()).as(mode.name()).isPositive();
    }
    assertThat(outcome.check().counts(Durability.REPLICATED).clean()).isTrue();
    assertThat(outcome.check().counts(Durability.S3).clean()).isTrue();
    assertThat(outcome.check().total().phantoms()).isZero();
    for (Faults.FaultEvent e : outcome.faults()) {
      WriteGaps.Gap gap = outcome.gaps().longest(e.startSec(), e.wholeSec());
      System.out.printf(
          "[chaos-it] %s on %s: longest write gap %.1f s (%s)%n",
          e.kind().label(), e.target(), gap.seconds(), gap.where());
      assertThat(gap.seconds())
          .as("longest write gap across %s on %s (%s)", e.kind().label(), e.target(), gap.where())
          .isLessThanOrEqualTo(settings.maxWriteGap().toMillis() / 1000.0);
    }
    assertThat(outcome.passed()).isTrue();
    assertThat(outcome.report()).exists();
  }
}
