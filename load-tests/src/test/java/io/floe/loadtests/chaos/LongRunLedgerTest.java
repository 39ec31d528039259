package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Durability;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongRunLedgerTest {
  @TempDir Path dir;

  private static LongRunLedger.Segment segment(
      boolean passed, long lost, LongRunLedger.Fault... f) {
    return new LongRunLedger.Segment(
        "2026-12-04T08:00:00Z",
        passed ? "4c97d42" : "",
        "load-tests/reports/chaos-20261204-080000.md",
        passed,
        Map.of(
            Durability.REPLICATED, new CheckResult.Counts(1000, lost, 0, 0, 0, 0),
            Durability.MEMORY, new CheckResult.Counts(500, 3, 0, 0, 0, 0)),
        List.of(f));
  }

  @Test
  void segmentsAddUpToTheLongRunAndItsReport() throws Exception {
    LongRunLedger ledger = new LongRunLedger(dir.resolve("long-run.jsonl"));
    List<FaultKind> kinds = List.of(FaultKind.KILL_LEADER, FaultKind.S3_ERRORS);
    assertThat(ledger.read()).isEmpty();
    assertThat(LongRunLedger.roundsLeft(ledger.read(), kinds, 2)).isEqualTo(2);

    ledger.append(
        segment(
            true,
            0,
            new LongRunLedger.Fault(FaultKind.KILL_LEADER, 2000, 2.5, 30, null),
            new LongRunLedger.Fault(FaultKind.S3_ERRORS, -1, 3.1, 4, null)));
    assertThat(LongRunLedger.roundsLeft(ledger.read(), kinds, 2)).isEqualTo(1);
    assertThat(LongRunLedger.summary(ledger.read(), kinds, 2))
        .contains("**In progress.** 2 faults of each of 2 kinds asked; 2 faults run in 1 segment (")
        .contains("; 1 round of one fault of each kind left.");
    ledger.append(
        segment(
            false,
            1,
            new LongRunLedger.Fault(FaultKind.KILL_LEADER, 3000, 6.0, 40, "no write | in 60 s"),
            new LongRunLedger.Fault(FaultKind.S3_ERRORS, -1, 2.0, 5, null)));

    List<LongRunLedger.Segment> read = ledger.read();
    assertThat(read).hasSize(2);
    assertThat(read.get(1).faults().get(0).problem()).isEqualTo("no write | in 60 s");
    assertThat(read.get(0).counts().get(Durability.REPLICATED).acknowledgedWrites())
        .isEqualTo(1000);
    assertThat(LongRunLedger.roundsLeft(read, kinds, 2)).isZero();
    String summary = LongRunLedger.summary(read, kinds, 2);
    assertThat(summary)
        .contains("**FAILED.** 2 faults of each of 2 kinds asked; 4 faults run in 2 segments")
        .contains("| kill-leader | 2 | 2000 / 3000 / 3000 | 6.0 | 1 |")
        .contains("| s3-errors | 2 | — | 3.1 | 0 |")
        .contains("| replicated | 2000 | 1 | 0 | 0 | 0 | 0 |")
        .contains("| memory | 1000 | 6 | 0 | 0 | 0 | 0 |")
        .contains("1. ended 2026-12-04T08:00:00Z, code `4c97d42`: 2 faults, passed — [report](")
        .contains("2. ended 2026-12-04T08:00:00Z, code not recorded: 2 faults, FAILED — [report](")
        .contains("[report](chaos-20261204-080000.md)");
    assertThat(read.get(0).code()).isEqualTo("4c97d42");
  }
}
