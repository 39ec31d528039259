package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.table.Durability;
import io.floe.loadtests.chaos.Anomaly.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CheckerTest {
  private static final String T = "t";

  private final List<Op> ops = new ArrayList<>();
  private final Map<String, Durability> modes = new HashMap<>(Map.of(T, Durability.REPLICATED));
  private final Map<String, Map<String, String>> finalState = new HashMap<>();

  private Op add(
      String table,
      OpKind kind,
      String key,
      String value,
      long invoke,
      long complete,
      Outcome how) {
    Op op =
        new Op(ops.size(), kind, modes.get(table), table, key, value, invoke, complete, how, null);
    ops.add(op);
    finalState.computeIfAbsent(table, t -> new HashMap<>());
    return op;
  }

  private Op write(String key, String value, long invoke, long complete) {
    return add(T, OpKind.WRITE, key, value, invoke, complete, Outcome.OK);
  }

  private Op write(String key, String value, long invoke, long complete, Outcome how) {
    return add(T, OpKind.WRITE, key, value, invoke, complete, how);
  }

  private Op delete(String key, long invoke, long complete, Outcome how) {
    return add(T, OpKind.DELETE, key, null, invoke, complete, how);
  }

  private Op read(String key, String seen, long invoke, long complete) {
    return add(T, OpKind.READ, key, seen, invoke, complete, Outcome.OK);
  }

  private void finalValue(String table, String key, String value) {
    finalState.computeIfAbsent(table, t -> new HashMap<>()).put(key, value);
  }

  private void finalValue(String key, String value) {
    finalValue(T, key, value);
  }

  private CheckResult check() {
    return new Checker().check(ops, finalState);
  }

  @Test
  void cleanConcurrentHistoryIsValid() {
    write("k1", "a1", 0, 10);
    write("k1", "a2", 5, 15);
    read("k1", "a1", 12, 14);
    read("k1", "a2", 16, 18);
    finalValue("k1", "a2");
    write("k2", "b1", 0, 2);
    delete("k2", 3, 4, Outcome.OK);
    read("k2", null, 5, 6);
    write("k2", "b2", 7, 8, Outcome.UNKNOWN);
    read("k2", "b2", 9, 10);
    finalValue("k2", "b2");
    write("k3", "c1", 1, 2);
    write("k3", "c2", 3, 4, Outcome.FAILED);
    read("k3", "c1", 5, 6);
    finalValue("k3", "c1");
    read("k4", null, 0, 1);

    CheckResult result = check();

    assertThat(result.valid()).as(result.summary()).isTrue();
    assertThat(result.total()).isEqualTo(new CheckResult.Counts(5, 0, 0, 0, 0, 0));
    assertThat(result.examples()).isEmpty();
    assertThat(result.summary())
        .contains("valid")
        .contains("| replicated | 5 | 0 | 0 | 0 | 0 | 0 |");
  }

  @Test
  void aKeyNotReadBackIsCountedUnreadableNotLostAndFailsTheRun() {
    write("k1", "v1", 0, 1);
    write("k1", "v2", 2, 3);
    read("k1", "v1", 4, 5); // a stale read is still found though the key was not read back
    write("k2", "w1", 0, 1);
    finalValue("k2", "w1");

    CheckResult result =
        new Checker()
            .check(ops, finalState, Map.of(T, Map.of("k1", "PARTITION_NOT_FOUND: offline")));

    assertThat(result.total()).isEqualTo(new CheckResult.Counts(3, 0, 0, 0, 1, 1));
    assertThat(result.valid()).isFalse();
    assertThat(result.keepsPromises()).isFalse();
    assertThat(result.examples(Kind.UNREADABLE))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.key()).isEqualTo("k1");
              assertThat(a.describe())
                  .isEqualTo("`t/k1`: not read back: PARTITION_NOT_FOUND: offline");
            });
    assertThat(result.summary()).contains("| replicated | 3 | 0 | 0 | 0 | 1 | 1 |");
  }

  @Test
  void anUnreadableKeyInMemoryModeFailsTheRunToo() {
    modes.put("m", Durability.MEMORY);
    add("m", OpKind.WRITE, "k", "v", 0, 1, Outcome.OK);

    CheckResult result =
        new Checker().check(ops, finalState, Map.of("m", Map.of("k", "node gone")));

    assertThat(result.counts(Durability.MEMORY).unreadableKeys()).isEqualTo(1);
    assertThat(result.counts(Durability.MEMORY).lostWrites()).isZero();
    assertThat(result.keepsPromises()).isFalse();
  }

  @Test
  void aMemoryWriteLostAndOverwrittenKeepsThePromisesButTheSameInReplicatedDoesNot() {
    modes.put("m", Durability.MEMORY);
    // the deposed leader acknowledged v2; the next leader never had it, a reader saw v1 again,
    // then a later write overwrote the key
    add("m", OpKind.WRITE, "k", "v1", 0, 1, Outcome.OK);
    add("m", OpKind.WRITE, "k", "v2", 2, 3, Outcome.OK);
    add("m", OpKind.READ, "k", "v1", 4, 5, Outcome.OK);
    add("m", OpKind.WRITE, "k", "v3", 6, 7, Outcome.OK);
    finalValue("m", "k", "v3");

    CheckResult memory = check();

    assertThat(memory.counts(Durability.MEMORY).staleReads()).isEqualTo(1);
    assertThat(memory.valid()).isFalse();
    assertThat(memory.keepsPromises()).isTrue();
    assertThat(memory.summary())
        .contains("valid for `replicated` and `s3`; `memory` lost acknowledged writes (1 read back")
        .contains("replication.md §8");

    ops.clear();
    finalState.clear();
    write("k", "v1", 0, 1);
    write("k", "v2", 2, 3);
    read("k", "v1", 4, 5);
    write("k", "v3", 6, 7);
    finalValue("k", "v3");

    CheckResult replicated = check();

    assertThat(replicated.counts(Durability.REPLICATED).staleReads()).isEqualTo(1);
    assertThat(replicated.total().phantoms()).isZero();
    assertThat(replicated.keepsPromises()).isFalse();
    assertThat(replicated.summary()).contains("**anomalies found**");
  }

  @Test
  void acknowledgedWriteMissingFromFinalStateIsLost() {
    Op lost = write("k1", "v1", 0, 1);
    write("k2", "v2", 0, 1);
    finalValue("k2", "v2");

    CheckResult result = check();

    assertThat(result.valid()).isFalse();
    assertThat(result.total().lostWrites()).isEqualTo(1);
    assertThat(result.total().reorderedKeys()).isZero();
    assertThat(result.examples(Kind.LOST_WRITE))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.key()).isEqualTo("k1");
              assertThat(a.newer()).isEqualTo(lost);
              assertThat(a.observed()).isNull();
            });
  }

  @Test
  void phantomValuesInReadsAndFinalStateAreCaught() {
    write("k", "v1", 0, 1);
    Op ghostRead = read("k", "ghost", 2, 3);
    finalValue("k", "spook");
    finalValue("untouched", "zzz");

    CheckResult result = check();

    assertThat(result.total().phantoms()).isEqualTo(3);
    assertThat(result.examples(Kind.PHANTOM))
        .extracting(Anomaly::observed)
        .containsExactlyInAnyOrder("ghost", "spook", "zzz");
    assertThat(result.examples(Kind.PHANTOM))
        .filteredOn(a -> "ghost".equals(a.observed()))
        .singleElement()
        .satisfies(a -> assertThat(a.seenBy()).isEqualTo(ghostRead));
    assertThat(result.total().lostWrites()).as("a phantom final value explains no write").isOne();
  }

  @Test
  void valueOfAFailedWriteMustNotAppear() {
    write("k", "v1", 0, 1);
    Op refused = write("k", "v2", 2, 3, Outcome.FAILED);
    read("k", "v2", 4, 5);
    finalValue("k", "v2");

    CheckResult result = check();

    assertThat(result.total().phantoms()).isEqualTo(2);
    assertThat(result.examples(Kind.PHANTOM))
        .hasSize(2)
        .allSatisfy(
            a -> {
              assertThat(a.source()).isEqualTo(refused);
              assertThat(a.reason()).contains("failed");
            });
    assertThat(result.total().lostWrites()).isOne();
  }

  @Test
  void olderValueSurvivingALaterAcknowledgedWriteIsLostAndReordered() {
    Op older = write("k", "v1", 0, 1);
    Op later = write("k", "v2", 2, 3);
    finalValue("k", "v1");

    CheckResult result = check();

    assertThat(result.total().lostWrites()).isOne();
    assertThat(result.total().reorderedKeys()).isOne();
    assertThat(result.examples(Kind.REORDERED))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.source()).isEqualTo(older);
              assertThat(a.newer()).isEqualTo(later);
            });
    assertThat(result.examples(Kind.LOST_WRITE)).extracting(Anomaly::newer).containsExactly(later);
  }

  @Test
  void valueSurvivingAnAcknowledgedDeleteIsLostAndReordered() {
    write("k", "v1", 0, 1);
    Op delete = delete("k", 2, 3, Outcome.OK);
    finalValue("k", "v1");

    CheckResult result = check();

    assertThat(result.total().lostWrites()).isOne();
    assertThat(result.total().reorderedKeys()).isOne();
    assertThat(result.examples(Kind.LOST_WRITE)).extracting(Anomaly::newer).containsExactly(delete);
  }

  @Test
  void writeWithUnknownOutcomeMayExplainTheFinalValue() {
    write("later", "a1", 0, 1);
    write("later", "a2", 2, 3, Outcome.UNKNOWN);
    finalValue("later", "a2");
    // It may even land after an acknowledged write invoked once its client gave up.
    write("landsLate", "b1", 0, 1);
    write("landsLate", "b2", 2, 3, Outcome.UNKNOWN);
    write("landsLate", "b3", 5, 6);
    finalValue("landsLate", "b2");
    write("acknowledged", "c1", 0, 1);
    write("acknowledged", "c2", 2, 3);
    write("acknowledged", "c3", 5, 6);
    finalValue("acknowledged", "c2");

    CheckResult result = check();

    assertThat(result.total().lostWrites()).as("only c3 is lost").isOne();
    assertThat(result.examples(Kind.LOST_WRITE))
        .singleElement()
        .satisfies(a -> assertThat(a.key()).isEqualTo("acknowledged"));
  }

  @Test
  void eitherOfTwoOverlappingWritesMaySurvive() {
    write("first", "a1", 0, 10);
    write("first", "a2", 5, 15);
    finalValue("first", "a1");
    write("second", "b1", 0, 10);
    write("second", "b2", 5, 15);
    finalValue("second", "b2");
    write("apart", "c1", 0, 4);
    write("apart", "c2", 5, 15);
    finalValue("apart", "c1");

    CheckResult result = check();

    assertThat(result.total().lostWrites()).as("only c2, which started after c1 ended").isOne();
    assertThat(result.examples(Kind.LOST_WRITE))
        .singleElement()
        .satisfies(a -> assertThat(a.key()).isEqualTo("apart"));
  }

  @Test
  void absentKeyNeedsADeleteThatIsNotStrictlyBeforeTheWrite() {
    write("deleted", "a1", 0, 1);
    delete("deleted", 2, 3, Outcome.OK);
    write("maybeDeleted", "b1", 0, 1);
    delete("maybeDeleted", 2, 3, Outcome.UNKNOWN);
    write("neverDeleted", "c1", 0, 1);
    write("refusedDelete", "d1", 0, 1);
    delete("refusedDelete", 2, 3, Outcome.FAILED);
    write("deletedBefore", "e1", 0, 1);
    delete("deletedBefore", 2, 3, Outcome.OK);
    write("deletedBefore", "e2", 4, 5);

    CheckResult result = check();

    assertThat(result.total().lostWrites()).isEqualTo(3);
    assertThat(result.examples(Kind.LOST_WRITE))
        .extracting(Anomaly::key)
        .containsExactlyInAnyOrder("neverDeleted", "refusedDelete", "deletedBefore");
    assertThat(result.examples(Kind.REORDERED))
        .as("an absent key restored by a delete that was overtaken")
        .extracting(Anomaly::key)
        .containsExactly("deletedBefore");
  }

  @Test
  void readOfAValueOlderThanAnAcknowledgedWriteIsStale() {
    write("k", "v1", 0, 1);
    Op newer = write("k", "v2", 2, 3);
    Op stale = read("k", "v1", 4, 5);
    read("k", "v1", 2, 5);
    finalValue("k", "v2");
    write("gone", "g1", 0, 1);
    Op absentRead = read("gone", null, 2, 3);
    delete("gone", 4, 5, Outcome.OK);

    CheckResult result = check();

    assertThat(result.total().staleReads()).as("the read concurrent with v2 is fine").isEqualTo(2);
    assertThat(result.examples(Kind.STALE_READ))
        .extracting(Anomaly::seenBy)
        .containsExactlyInAnyOrder(stale, absentRead);
    assertThat(result.examples(Kind.STALE_READ))
        .filteredOn(a -> a.seenBy() == stale)
        .singleElement()
        .satisfies(a -> assertThat(a.newer()).isEqualTo(newer));
    assertThat(result.total().lostWrites()).isZero();
  }

  @Test
  void readsGoingBackInTimeAreStale() {
    write("k", "v1", 0, 1);
    write("k", "v2", 2, 3, Outcome.UNKNOWN);
    Op sawNew = read("k", "v2", 4, 5);
    Op sawOld = read("k", "v1", 6, 7);
    read("k", "v1", 5, 8);
    finalValue("k", "v2");

    CheckResult result = check();

    assertThat(result.total().staleReads())
        .as("the read overlapping the one that saw v2 may still see v1")
        .isOne();
    assertThat(result.examples(Kind.STALE_READ))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.seenBy()).isEqualTo(sawOld);
              assertThat(a.newer()).isEqualTo(sawNew);
            });
    assertThat(result.total().reorderedKeys()).isZero();
  }

  @Test
  void finalStateOlderThanAValueAlreadyReadIsReordered() {
    write("k", "v1", 0, 1);
    write("k", "v2", 2, 3, Outcome.UNKNOWN);
    Op sawNew = read("k", "v2", 4, 5);
    finalValue("k", "v1");

    CheckResult result = check();

    assertThat(result.total().reorderedKeys()).isOne();
    assertThat(result.total().lostWrites()).as("v2 was never acknowledged").isZero();
    assertThat(result.examples(Kind.REORDERED)).extracting(Anomaly::newer).containsExactly(sawNew);
  }

  @Test
  void valueReadBeforeItsWriteWasInvokedIsPhantom() {
    Op early = read("k", "v1", 0, 1);
    write("k", "v1", 2, 3);
    finalValue("k", "v1");

    CheckResult result = check();

    assertThat(result.total().phantoms()).isOne();
    assertThat(result.examples(Kind.PHANTOM))
        .singleElement()
        .satisfies(a -> assertThat(a.seenBy()).isEqualTo(early));
  }

  @Test
  void countsAreSplitPerDurabilityMode() {
    modes.put("mem", Durability.MEMORY);
    modes.put("s3", Durability.S3);
    add("mem", OpKind.WRITE, "a", "m1", 0, 1, Outcome.OK);
    add("mem", OpKind.WRITE, "b", "m2", 0, 1, Outcome.OK);
    add("mem", OpKind.WRITE, "c", "m3", 0, 1, Outcome.OK);
    finalValue("mem", "c", "m3");
    add("s3", OpKind.WRITE, "a", "s1", 0, 1, Outcome.OK);
    finalValue("s3", "a", "s1");
    write("a", "r1", 0, 1);
    write("b", "r2", 0, 1);

    CheckResult result = check();

    assertThat(result.counts(Durability.MEMORY))
        .isEqualTo(new CheckResult.Counts(3, 2, 0, 0, 0, 0));
    assertThat(result.counts(Durability.REPLICATED))
        .isEqualTo(new CheckResult.Counts(2, 2, 0, 0, 0, 0));
    assertThat(result.counts(Durability.S3).clean()).isTrue();
    assertThat(result.counts(Durability.S3).acknowledgedWrites()).isOne();
    assertThat(result.total().lostWrites()).isEqualTo(4);
    assertThat(result.total().acknowledgedWrites()).isEqualTo(6);
    assertThat(result.examples(Kind.LOST_WRITE, Durability.MEMORY)).hasSize(2);
  }

  @Test
  void opThatNeverCompletedIsTreatedAsUnknown() {
    long[] now = {0};
    History history = new History(Map.of(T, Durability.REPLICATED), () -> now[0]++);
    history.ok(history.begin(OpKind.WRITE, T, "k", "v1"));
    History.Pending abandoned = history.begin(OpKind.WRITE, T, "k", "v2");
    history.ok(history.begin(OpKind.WRITE, T, "k", "v3"));
    finalValue("k", "v2");

    List<Op> recorded = history.ops();
    CheckResult result = new Checker().check(recorded, finalState);

    assertThat(recorded.get(1).outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(recorded.get(1).completeNanos()).isEqualTo(Op.NEVER);
    assertThat(result.valid()).as(result.summary()).isTrue();
    Op asIfAcknowledged =
        new Op(1, OpKind.WRITE, Durability.REPLICATED, T, "k", "v2", 2, 2, Outcome.OK, null);
    List<Op> acknowledged = new ArrayList<>(recorded);
    acknowledged.set(1, asIfAcknowledged);
    assertThat(new Checker().check(acknowledged, finalState).total().lostWrites()).isOne();
    assertThat(abandoned.invoked()).isEqualTo(recorded.get(1));
  }

  @Test
  void examplesAreCappedPerModeButCountsAreNot() {
    modes.put("mem", Durability.MEMORY);
    for (int i = 0; i < 10; i++) {
      add("mem", OpKind.WRITE, "k" + i, "m" + i, 0, 1, Outcome.OK);
    }
    write("precious", "r1", 0, 1);

    CheckResult result = new Checker(3).check(ops, finalState);

    assertThat(result.counts(Durability.MEMORY).lostWrites()).isEqualTo(10);
    assertThat(result.examples(Kind.LOST_WRITE, Durability.MEMORY)).hasSize(3);
    assertThat(result.examples(Kind.LOST_WRITE, Durability.REPLICATED))
        .singleElement()
        .satisfies(a -> assertThat(a.key()).isEqualTo("precious"));
    assertThat(result.summary())
        .contains("**lost writes**")
        .contains("| memory | 10 | 10 | 0 | 0 | 0 |")
        .contains("`t/precious`")
        .contains("`r1`");
  }

  @Test
  void finalStateMustCoverEveryTableTheHistoryTouched() {
    write("k", "v1", 0, 1);
    finalState.clear();

    assertThatThrownBy(this::check)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table t");
  }
}
