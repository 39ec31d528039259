package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.ConditionFailedException;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows of a table with a TTL (spec.md §14) on one replica, with a clock the test moves: when a row
 * expires, what reads and conditional writes see of it, and what the sweep gives back.
 */
@Timeout(30)
class PartitionExpiryTest {
  static final long T0 = 1_700_000_000_000_000L;
  static final long TTL_MS = 300;
  static final long MS = 1_000;

  private final AtomicLong now = new AtomicLong(T0);
  private final List<WalEntry> logged = new ArrayList<>();
  private final WalSink recording =
      entry -> {
        logged.add(entry);
        return CompletableFuture.completedFuture(null);
      };
  private final MemoryBudget budget = new MemoryBudget(1L << 30);

  private Partition leader(RowExpiry expiry) {
    Partition p = new Partition(1, 0, budget, recording, expiry);
    p.becomeLeader(1);
    p.markNormal();
    return p;
  }

  private Partition leader() {
    return leader(RowExpiry.after(TTL_MS, now::get));
  }

  private void at(long micros) {
    now.set(micros);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long put(Partition p, String key, String row) {
    return p.write(List.of(PartitionWrite.put(b(key), b(row))), -1).offsets()[0];
  }

  private static List<String> scanKeys(Partition p, int limit) {
    List<String> keys = new ArrayList<>();
    for (KeyedRow r : p.scan(null, true, null, true, limit)) {
      keys.add(new String(r.key(), StandardCharsets.UTF_8));
    }
    return keys;
  }

  @Test
  void aRowIsLiveUntilItsTtlHasPassedSinceItsWriteAndExpiredFromThenOn() {
    Partition p = leader();
    put(p, "k", "v");
    assertThat(logged.get(0).timestamp()).isEqualTo(T0);

    at(T0 + (TTL_MS - 1) * MS);
    assertThat(p.get(b("k"))).isEqualTo(b("v"));
    at(T0 + TTL_MS * MS - 1);
    assertThat(p.get(b("k"))).as("one µs before the TTL").isEqualTo(b("v"));
    at(T0 + TTL_MS * MS);
    assertThat(p.get(b("k"))).as("exactly at the TTL").isNull();
    at(T0 + (TTL_MS + 1) * MS);
    assertThat(p.get(b("k"))).isNull();
  }

  @Test
  void anExpiredRowIsLeftOutOfGetsScansAndReadsFromAnyReplica() {
    Partition p = leader();
    put(p, "a", "1");
    put(p, "c", "3");
    at(T0 + 100 * MS);
    put(p, "b", "2");
    put(p, "d", "4");
    at(T0 + 200 * MS);
    put(p, "c", "3'"); // a second write renews the row

    at(T0 + (TTL_MS + 1) * MS);
    assertThat(p.get(b("a"))).isNull();
    assertThat(p.get(b("c"))).isEqualTo(b("3'"));
    assertThat(scanKeys(p, 100)).containsExactly("b", "c", "d");
    assertThat(scanKeys(p, 2)).as("a page holds `limit` live rows").containsExactly("b", "c");
    Partition.ReadAny any = p.getAny(b("a"));
    assertThat(any.row()).isNull();
    assertThat(any.appliedOffset()).isEqualTo(p.offset());

    at(T0 + (100 + TTL_MS + 1) * MS);
    assertThat(scanKeys(p, 100)).containsExactly("c");
    at(T0 + (200 + TTL_MS) * MS);
    assertThat(scanKeys(p, 100)).isEmpty();
  }

  @Test
  void aFollowerJudgesByTheLeadersTimestampNotByWhenItAppliedTheEntry() {
    Partition follower = new Partition(1, 0, budget, recording, RowExpiry.after(TTL_MS, now::get));
    follower.becomeFollower(1, "10.0.0.1:7400");
    follower.markNormal();
    at(T0 + 250 * MS); // the follower applies late an entry the leader stamped T0
    follower.applyReplicated(1, 1, T0, false, b("k"), b("v"));
    assertThat(follower.getAny(b("k")).row()).isEqualTo(b("v"));
    at(T0 + TTL_MS * MS);
    assertThat(follower.getAny(b("k")).row()).isNull();
    assertThat(follower.getAny(b("k")).appliedOffset()).isEqualTo(1);
  }

  @Test
  void conditionalWritesTreatAnExpiredRowAsAbsent() {
    Partition p = leader();
    long version = put(p, "k", "v1");
    put(p, "u", "old");
    at(T0 + (TTL_MS + 1) * MS);

    assertThatThrownBy(() -> p.writeIf(b("k"), version, false, current -> b("v2")))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.currentVersion()).isZero();
              assertThat(e.getMessage()).contains("expired");
            });
    assertThatThrownBy(() -> p.writeIf(b("u"), -1, true, current -> b("merged")))
        .as("an update of an expired row fails as on an absent row")
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());

    List<byte[]> seen = new ArrayList<>();
    Partition.ConditionalWrite ifAbsent =
        p.writeIf(
            b("k"),
            0,
            false,
            current -> {
              seen.add(current);
              return b("v2");
            });
    assertThat(seen).containsExactly((byte[]) null);
    assertThat(ifAbsent.priorVersion()).isZero();
    assertThat(p.get(b("k"))).isEqualTo(b("v2"));

    Partition.ConditionalWrite delete = p.writeIf(b("u"), -1, false, current -> null);
    assertThat(delete.priorVersion()).as("a delete says no row existed").isZero();
    assertThat(p.status().rowCount()).isEqualTo(1);
  }

  @Test
  void aPartialUpdateRenewsTheRow() {
    Partition p = leader();
    put(p, "k", "v1");
    at(T0 + 200 * MS);
    p.writeIf(b("k"), -1, true, current -> b(new String(current, StandardCharsets.UTF_8) + "+"));
    at(T0 + (TTL_MS + 100) * MS);
    assertThat(p.get(b("k"))).isEqualTo(b("v1+"));
    at(T0 + (TTL_MS + 200) * MS);
    assertThat(p.get(b("k"))).isNull();
  }

  @Test
  void theSweepGivesBackTheMemoryAndRowsOfExpiredRowsAndLogsNothing() {
    Partition p = leader();
    for (int i = 0; i < 1_000; i++) {
      put(p, "old-" + i, "x".repeat(100));
    }
    at(T0 + 200 * MS);
    for (int i = 0; i < 500; i++) {
      put(p, "new-" + i, "y".repeat(100));
    }
    long bytesBefore = p.status().memoryBytes();
    int entriesBefore = logged.size();

    assertThat(p.sweepExpired(Integer.MAX_VALUE)).as("nothing has expired yet").isZero();
    at(T0 + (TTL_MS + 1) * MS);
    assertThat(p.status().rowCount()).as("counted until swept").isEqualTo(1_500);
    assertThat(p.sweepExpired(Integer.MAX_VALUE)).isEqualTo(1_000);

    assertThat(p.status().rowCount()).isEqualTo(500);
    assertThat(p.status().memoryBytes()).isLessThan(bytesBefore);
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
    assertThat(logged).as("expiry writes nothing to the log").hasSize(entriesBefore);
    // What is left is exactly what the 500 live rows hold.
    MemoryBudget fresh = new MemoryBudget(1L << 30);
    Partition same = new Partition(1, 0, fresh, recording, RowExpiry.after(TTL_MS, now::get));
    same.becomeLeader(1);
    same.markNormal();
    for (int i = 0; i < 500; i++) {
      put(same, "new-" + i, "y".repeat(100));
    }
    assertThat(p.status().memoryBytes()).isEqualTo(same.status().memoryBytes());
    assertThat(scanKeys(p, 1_000)).hasSize(500);
  }

  @Test
  void eachSweepExaminesAtMostItsKeysAndTheNextResumesWhereItStopped() {
    Partition p = leader();
    for (int i = 0; i < 1_000; i++) {
      put(p, String.format("k%04d", i), "v");
    }
    at(T0 + (TTL_MS + 1) * MS);
    put(p, "k0500-live", "v"); // examined like any key, never removed

    assertThat(p.sweepExpired(300)).isEqualTo(300);
    assertThat(p.sweepExpired(300)).as("one of the keys examined is live").isEqualTo(299);
    assertThat(p.sweepExpired(300)).isEqualTo(300);
    assertThat(p.sweepExpired(300)).as("the end: the next sweep starts over").isEqualTo(101);
    assertThat(p.sweepExpired(300)).isZero();
    assertThat(p.status().rowCount()).isEqualTo(1);
    assertThat(p.get(b("k0500-live"))).isEqualTo(b("v"));
  }

  @Test
  void aRowWrittenAgainAfterItExpiredIsANewRowAndTheSweepKeepsIt() {
    Partition p = leader();
    put(p, "k", "v1");
    at(T0 + TTL_MS * MS);
    long version = put(p, "k", "v2");
    assertThat(p.sweepExpired(Integer.MAX_VALUE)).isZero();
    assertThat(p.get(b("k"))).isEqualTo(b("v2"));
    assertThat(p.status().rowCount()).isEqualTo(1);
    assertThat(p.writeIf(b("k"), version, false, c -> b("v3")).priorVersion()).isEqualTo(version);
  }

  @Test
  void aViewHoldsTheRowsLiveAtItsCutInstantAndTheSweepLeavesWhatItNeeds() {
    Partition p = leader();
    put(p, "a", "1");
    at(T0 + 100 * MS);
    put(p, "b", "2");
    at(T0 + 350 * MS);
    put(p, "c", "3"); // the cut instant: a expired by then, b not
    try (PartitionView view = p.openView()) {
      at(T0 + 450 * MS); // now b has expired too
      assertThat(p.get(b("b"))).isNull();
      assertThat(p.sweepExpired(Integer.MAX_VALUE)).as("only a: the view still holds b").isOne();
      List<String> keys = new ArrayList<>();
      view.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
      assertThat(keys).containsExactly("b", "c");
      assertThat(view.get(b("a"))).isNull();
      assertThat(view.get(b("b"))).isEqualTo(b("2"));
    }
    assertThat(p.sweepExpired(Integer.MAX_VALUE)).isOne();
    assertThat(p.status().rowCount()).isEqualTo(1);
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
  }

  @Test
  void anExpiredRowStaysExpiredWhenTheWallClockStepsBack() {
    Partition p = leader();
    put(p, "k", "v");
    at(T0 + TTL_MS * MS);
    assertThat(p.get(b("k"))).isNull();
    at(T0 + 100 * MS);
    assertThat(p.get(b("k"))).isNull();
    assertThat(scanKeys(p, 10)).isEmpty();
  }

  @Test
  void withoutATtlRowsNeverExpireAndReadsNeverReadTheClock() {
    AtomicInteger clockReads = new AtomicInteger();
    LongSupplier counting =
        () -> {
          clockReads.incrementAndGet();
          return now.get();
        };
    Partition p = leader(RowExpiry.never(counting));
    put(p, "k", "v");
    put(p, "l", "w");
    int afterWrites = clockReads.get();
    at(T0 + 1_000_000_000 * MS);
    for (int i = 0; i < 100; i++) {
      assertThat(p.get(b("k"))).isEqualTo(b("v"));
      assertThat(p.getAny(b("k")).row()).isEqualTo(b("v"));
      assertThat(scanKeys(p, 10)).containsExactly("k", "l");
    }
    assertThat(p.writeIf(b("k"), -1, true, c -> b("v2")).priorVersion()).isOne();
    assertThat(clockReads.get())
        .as("only the timestamp of the last write read it")
        .isEqualTo(afterWrites + 1);
    assertThat(p.sweepExpired(Integer.MAX_VALUE)).isZero();
    assertThat(p.status().rowCount()).isEqualTo(2);
  }
}
