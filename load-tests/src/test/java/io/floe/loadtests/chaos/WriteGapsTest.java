package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floe.core.table.Durability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteGapsTest {
  private final List<Op> ops = new ArrayList<>();
  private long id;

  /** An acknowledged write of {@code key} completing at {@code sec}. */
  private void ack(String table, String key, double sec) {
    long at = (long) (sec * 1e9);
    ops.add(
        new Op(
            id++,
            OpKind.WRITE,
            Durability.REPLICATED,
            table,
            key,
            "v",
            at - 1,
            at,
            Outcome.OK,
            null));
  }

  private void op(OpKind kind, String key, double sec, Outcome outcome) {
    long at = (long) (sec * 1e9);
    ops.add(
        new Op(
            id++,
            kind,
            Durability.REPLICATED,
            "t",
            key,
            kind == OpKind.DELETE ? null : "v",
            at - 1,
            at,
            outcome,
            null));
  }

  /** Keys "0", "1", … are in the partition their number names. */
  private WriteGaps gaps() {
    return new WriteGaps(ops, (table, key) -> Integer.parseInt(key));
  }

  @Test
  void aPartitionWrittenThroughoutHasOnlyItsUsualGaps() {
    for (int i = 0; i <= 100; i++) {
      ack("t", "0", i * 0.1);
    }
    assertThat(gaps().longest(3, 6).seconds()).isCloseTo(0.1, within(1e-6));
  }

  @Test
  void theGapRunsFromTheLastWriteBeforeTheFaultToTheFirstAfterTheEnd() {
    ack("t", "0", 1.0);
    ack("t", "0", 2.0); // last before the fault at 3
    ack("t", "0", 9.5); // first after a 2 s outage that ended (whole again) at 5
    WriteGaps.Gap gap = gaps().longest(3, 5);
    assertThat(gap.seconds()).isCloseTo(7.5, within(1e-6));
    assertThat(gap.where()).isEqualTo("t/0");
  }

  @Test
  void theWorstPartitionIsNamedAndAnUnwrittenPartitionCountsToTheEnd() {
    for (int i = 0; i <= 100; i++) {
      ack("t", "0", i * 0.1);
    }
    ack("t", "1", 2.9); // then nothing more: left without writes
    ack("u", "1", 2.9);
    for (int i = 30; i <= 100; i++) {
      ack("u", "1", i * 0.1);
    }
    WriteGaps.Gap gap = gaps().longest(3, 8);
    assertThat(gap.where()).isEqualTo("t/1");
    assertThat(gap.seconds()).isCloseTo(5.1, within(1e-6));
  }

  @Test
  void readsFailuresAndUnknownOutcomesAreNotWrites() {
    ack("t", "0", 1.0);
    op(OpKind.READ, "0", 4.0, Outcome.OK);
    op(OpKind.WRITE, "0", 5.0, Outcome.FAILED);
    op(OpKind.WRITE, "0", 6.0, Outcome.UNKNOWN);
    op(OpKind.DELETE, "0", 7.0, Outcome.OK); // a delete acknowledged is a write
    assertThat(gaps().longest(2, 3).seconds()).isCloseTo(6.0, within(1e-6));
  }

  @Test
  void noWritesAtAllIsNoGap() {
    assertThat(gaps().longest(1, 2)).isEqualTo(WriteGaps.Gap.NONE);
    assertThat(WriteGaps.Gap.NONE.where()).isEqualTo("—");
  }
}
