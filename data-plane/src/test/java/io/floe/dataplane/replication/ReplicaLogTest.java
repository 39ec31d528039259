package io.floe.dataplane.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendCode;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.ReplicatedEntry;
import io.floe.dataplane.wal.WalEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The leader's bookkeeping of replication.md §5: commit offset, cursors, anchors, tail, reload. */
class ReplicaLogTest {
  private static final long HEARTBEAT = 1_000_000_000L;

  private static WalEntry entry(long offset, long term) {
    byte[] key = ("k" + offset).getBytes(StandardCharsets.UTF_8);
    return new WalEntry(9, 0, offset, term, offset * 10, false, key, new byte[20]);
  }

  private static AppendResult ok(long offset) {
    return new AppendResult(9, 0, AppendCode.OK, 1, offset);
  }

  private static List<CompletableFuture<Void>> write(ReplicaLog log, long from, long to) {
    List<CompletableFuture<Void>> out = new ArrayList<>();
    for (long o = from; o <= to; o++) {
      log.add(entry(o, 1));
      out.add(log.majorityOf(o));
    }
    return out;
  }

  /** Sends whatever is due at once: heartbeats count as due too. */
  private static AppendBlock next(ReplicaLog log, String node) {
    return log.nextBlock(node, 1 << 20, 0);
  }

  @Test
  void aWriteIsCommittedWhenAMajorityOfThreeAppliedIt() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b", "c"));
    next(log, "b");
    log.answered("b", ok(0));
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (long o = 1; o <= 3; o++) {
      acks.addAll(write(log, o, o));
      assertThat(next(log, "b").entries()).extracting(ReplicatedEntry::offset).containsExactly(o);
    }
    assertThat(acks).noneMatch(CompletableFuture::isDone);

    log.answered("b", ok(2));
    assertThat(log.commitOffset()).isEqualTo(2);
    assertThat(acks.get(0)).isDone();
    assertThat(acks.get(1)).isDone();
    assertThat(acks.get(2)).isNotDone();

    log.answered("c", ok(1)); // the third replica behind does not move the majority back
    assertThat(log.commitOffset()).isEqualTo(2);
    log.answered("c", ok(3));
    assertThat(log.commitOffset()).isEqualTo(3);
    assertThat(acks.get(2)).isDone();
  }

  @Test
  void aLeaderHearingFromTooFewFollowersForAMajorityIsIsolated() {
    long second = 1_000_000_000L;
    ReplicaLog log =
        new ReplicaLog(
            9,
            0,
            1 << 20,
            java.time.Duration.ofSeconds(2),
            new ReplicationStats(),
            RetainedTails.unbounded());
    assertThat(log.isolated(System.nanoTime() + 10 * second)).as("not leading").isFalse();
    log.lead(1, 0, List.of("b", "c"));
    long led = System.nanoTime();
    assertThat(log.isolated(led)).as("its followers' silence counts from now").isFalse();
    assertThat(log.isolated(led + 3 * second)).as("neither answered in 2 s").isTrue();

    next(log, "c");
    log.answered("c", new AppendResult(9, 0, AppendCode.NOT_READY, 1, 0)); // any answer counts
    long heard = System.nanoTime();
    assertThat(log.isolated(heard + second)).as("c makes a majority with it").isFalse();
    assertThat(log.isolated(heard + 3 * second)).as("c silent for 3 s since").isTrue();

    log.lead(2, 0, List.of("b", "c"));
    assertThat(log.isolated(System.nanoTime() + second))
        .as("a new term starts every follower's silence afresh")
        .isFalse();
    assertThat(log.answeredLately("b", System.nanoTime()))
        .as("not yet answered this leadership")
        .isFalse();
    next(log, "b");
    log.answered("b", ok(0));
    assertThat(log.answeredLately("b", System.nanoTime())).isTrue();
    assertThat(log.answeredLately("b", System.nanoTime() + 3 * second)).isFalse();
    assertThat(log.answeredLately("x", System.nanoTime())).as("not a follower").isFalse();

    ReplicaLog alone = new ReplicaLog(9, 1, 1 << 20);
    alone.lead(1, 0, List.of());
    assertThat(alone.isolated(System.nanoTime() + 10 * second)).as("no follower").isFalse();
  }

  @Test
  void writesWithNoSendBetweenThemShareOneAcknowledgement() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b", "c"));
    List<CompletableFuture<Void>> acks = write(log, 1, 3);
    assertThat(acks.get(0)).isSameAs(acks.get(2));
    log.answered("b", ok(3));
    assertThat(acks).allMatch(CompletableFuture::isDone);
  }

  @Test
  void withOneReplicaEveryWriteIsCommittedAtOnce() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of());
    assertThat(write(log, 1, 2)).allMatch(CompletableFuture::isDone);
  }

  @Test
  void aFollowerIsAskedForItsOffsetThenResumedAtItsLastEntry() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    write(log, 1, 5);
    log.lead(1, 0, List.of("b"));

    AppendBlock hello = next(log, "b");
    assertThat(hello.entries()).isEmpty();
    assertThat(hello.prevOffset()).isEqualTo(5);
    assertThat(hello.term()).isEqualTo(1);

    log.answered("b", new AppendResult(9, 0, AppendCode.GAP, 1, 3));
    AppendBlock resume = next(log, "b");
    // The follower's last entry comes first: the anchor whose term it checks.
    assertThat(resume.prevOffset()).isEqualTo(2);
    assertThat(resume.entries()).extracting(ReplicatedEntry::offset).containsExactly(3L, 4L, 5L);

    // Pipelined: nothing more to send until new entries come, only heartbeats.
    AppendBlock idle = log.nextBlock("b", 1 << 20, HEARTBEAT);
    assertThat(idle).isNull();
    write(log, 6, 6);
    assertThat(next(log, "b").entries()).extracting(ReplicatedEntry::offset).containsExactly(6L);
  }

  @Test
  void aLeaderFreshFromALoadChecksAFollowerAtItsOffsetAgainstItsLastEntryInsteadOfReloadingIt() {
    // Refilled from S3 to 7 and promoted with nothing appended since: its tail is only the anchor.
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.resetTo(7, 7, entry(7, 2));
    log.afterPromotion(7, 7, entry(7, 2));
    log.lead(3, 7, List.of("b", "c"));
    assertThat(log.entriesAbove(7)).isEmpty(); // nothing to ship: the anchor is in S3

    next(log, "b");
    log.answered("b", new AppendResult(9, 0, AppendCode.GAP, 3, 7));
    AppendBlock check = next(log, "b");
    assertThat(check.reload()).isFalse();
    assertThat(check.prevOffset()).isEqualTo(6);
    assertThat(check.entries()).extracting(ReplicatedEntry::offset).containsExactly(7L);
    assertThat(check.entries().get(0).term()).isEqualTo(2);

    // A follower behind the anchor still needs S3: the leader holds nothing before it.
    next(log, "c");
    log.answered("c", new AppendResult(9, 0, AppendCode.GAP, 3, 5));
    assertThat(next(log, "c").reload()).isTrue();

    // New writes follow the anchor densely.
    write(log, 8, 8);
    log.answered("b", ok(7));
    assertThat(next(log, "b").entries()).extracting(ReplicatedEntry::offset).containsExactly(8L);
  }

  @Test
  void withoutAnAnchorAFollowerAtTheLeadersOffsetIsToldToReload() {
    // A load that ended on a snapshot has no entry to anchor on: the follower goes to S3.
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.resetTo(7, 7, null);
    log.lead(3, 7, List.of("b"));
    next(log, "b");
    log.answered("b", new AppendResult(9, 0, AppendCode.GAP, 3, 7));
    assertThat(next(log, "b").reload()).isTrue();
  }

  @Test
  void aFollowerBehindTheTailIsToldToReloadFromS3() {
    ReplicaLog log = new ReplicaLog(9, 0, 200); // holds about three entries once shipped
    log.lead(1, 0, List.of("b"));
    write(log, 1, 20);
    log.shipped(20);
    assertThat(log.firstHeld()).isGreaterThan(10);

    next(log, "b"); // the first heartbeat
    log.answered("b", ok(2));
    AppendBlock reload = next(log, "b");
    assertThat(reload.reload()).isTrue();
    assertThat(reload.entries()).isEmpty();

    // The follower refilled from S3 up to 19 and says so: it is resumed from memory.
    log.answered("b", new AppendResult(9, 0, AppendCode.NOT_READY, 1, 2));
    next(log, "b");
    log.answered("b", ok(19));
    AppendBlock rest = next(log, "b");
    assertThat(rest.reload()).isFalse();
    assertThat(rest.entries()).extracting(ReplicatedEntry::offset).containsExactly(19L, 20L);
  }

  private static ReplicaLog sharing(RetainedTails node, int partition) {
    return new ReplicaLog(
        9,
        partition,
        1 << 20, // each alone would keep every entry of this test
        java.time.Duration.ofSeconds(2),
        new ReplicationStats(),
        node);
  }

  @Test
  void theNodesLogsTogetherKeepNoMoreShippedEntriesThanTheNodeBound() {
    long size = entry(1, 1).size();
    RetainedTails node = new RetainedTails(10 * size);
    List<ReplicaLog> logs = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      logs.add(sharing(node, p));
    }
    for (long o = 1; o <= 200; o++) {
      for (ReplicaLog log : logs) {
        log.add(entry(o, 1));
        log.shipped(o - 1); // the newest entry is not in S3 yet
        assertThat(node.held()).isLessThanOrEqualTo(10 * size);
      }
    }
    for (ReplicaLog log : logs) {
      // Unshipped entries stay whatever the node holds; no log gives up its whole tail for others.
      assertThat(log.entriesAbove(199)).hasSize(1);
      assertThat(log.firstHeld()).isGreaterThan(150);
    }
    long held = node.held();
    assertThat(held).isPositive();

    // A partition that leaves the node gives its share back, and the others may keep more again.
    logs.get(0).release();
    assertThat(node.held()).isLessThan(held);
    logs.get(1).add(entry(201, 1));
    logs.get(1).shipped(200);
    assertThat(node.held()).isLessThanOrEqualTo(10 * size);
    assertThat(logs.get(1).entriesAbove(190)).hasSizeGreaterThan(3);
  }

  /**
   * A log whose node keeps shipped entries nobody needs for {@code retainNanos} of {@code clock}.
   */
  private static ReplicaLog timed(long retainNanos, long[] clock) {
    return new ReplicaLog(
        9,
        0,
        1 << 20, // the byte bound never decides here
        java.time.Duration.ofSeconds(2),
        new ReplicationStats(),
        new RetainedTails(Long.MAX_VALUE, retainNanos, () -> clock[0]));
  }

  @Test
  void aLeaderDropsShippedEntriesEveryFollowerHasOnceTheRetainTimePassed() {
    long second = 1_000_000_000L;
    long[] clock = {0};
    ReplicaLog log = timed(second, clock);
    log.lead(1, 0, List.of("b", "c"));
    next(log, "b");
    next(log, "c");
    log.answered("b", ok(0));
    log.answered("c", ok(0));
    write(log, 1, 100);
    next(log, "b");
    next(log, "c");
    log.answered("b", ok(100));
    log.answered("c", ok(60)); // c is behind
    log.shipped(100);
    assertThat(log.firstHeld()).as("shipped just now: kept").isEqualTo(1);

    clock[0] += 2 * second;
    write(log, 101, 101);
    assertThat(log.firstHeld())
        .as("old enough; what c has not acknowledged stays, from its anchor on")
        .isEqualTo(60);
    next(log, "b");
    next(log, "c");
    log.answered("b", ok(101));
    assertThat(log.firstHeld()).as("c still needs them").isEqualTo(60);
    log.answered("c", ok(101));
    assertThat(log.firstHeld()).as("every follower has them now").isEqualTo(101);
    assertThat(log.entriesAbove(100)).as("unshipped").hasSize(1);

    // A follower that reconnects at its offset resumes from memory: its anchor is still held.
    log.resetCursor("c");
    next(log, "c");
    log.answered("c", ok(101));
    AppendBlock resumed = next(log, "c");
    assertThat(resumed.reload()).isFalse();
  }

  @Test
  void aFollowerKeepsShippedEntriesForTheRetainTimeAndAlwaysItsNewest() {
    long second = 1_000_000_000L;
    long[] clock = {0};
    ReplicaLog log = timed(second, clock); // never leads: keeps a tail for a promotion
    for (long o = 1; o <= 50; o++) {
      log.add(entry(o, 1));
      log.shipped(o - 1);
      clock[0] += second / 100; // 50 entries over half a second
    }
    assertThat(log.firstHeld()).as("none shipped a second ago yet").isEqualTo(1);

    clock[0] += second / 2 + second / 10;
    log.shipped(50);
    assertThat(log.firstHeld())
        .as("the first ones shipped over a second ago left; a mark per quarter second")
        .isBetween(2L, 30L);
    long early = log.firstHeld();
    clock[0] += 2 * second;
    log.add(entry(51, 1));
    assertThat(log.firstHeld()).as("every shipped entry is old now").isEqualTo(51);
    assertThat(early).isLessThan(51);

    clock[0] += 2 * second;
    log.shipped(51);
    clock[0] += 2 * second;
    log.shipped(51);
    log.add(entry(52, 1));
    log.shipped(52);
    clock[0] += 2 * second;
    log.shipped(52); // no new offset, no trim: still the newest held
    assertThat(log.firstHeld()).isLessThanOrEqualTo(52);
    assertThat(log.entriesAbove(51)).as("the newest entry stays, however old").hasSize(1);
  }

  @Test
  void withoutARetainTimeOnlyTheByteBoundsDropShippedEntries() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b"));
    next(log, "b");
    log.answered("b", ok(0));
    write(log, 1, 20);
    next(log, "b");
    log.answered("b", ok(20));
    log.shipped(20);
    assertThat(log.firstHeld()).isEqualTo(1);
  }

  @Test
  void unshippedEntriesNeverLeaveTheTail() {
    ReplicaLog log = new ReplicaLog(9, 0, 100);
    write(log, 1, 50);
    assertThat(log.firstHeld()).isEqualTo(1);
    log.shipped(30);
    assertThat(log.firstHeld()).isBetween(2L, 31L);
    assertThat(log.entriesAbove(30)).hasSize(20);
  }

  @Test
  void theBacklogCountsBytesAboveTheCommitOffset() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b", "c"));
    write(log, 1, 10);
    long all = 0;
    long firstFour = 0;
    for (long o = 1; o <= 10; o++) {
      all += entry(o, 1).size();
      firstFour += o <= 4 ? entry(o, 1).size() : 0;
    }
    assertThat(log.uncommittedBytes()).isEqualTo(all);
    log.answered("b", ok(4));
    assertThat(log.uncommittedBytes()).isEqualTo(all - firstFour);
  }

  @Test
  void stoppingToLeadFailsTheWritesStillWaiting() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b", "c"));
    CompletableFuture<Void> waiting = write(log, 1, 1).get(0);
    log.stopLeading(new FencedException("deposed", 2));
    assertThat(waiting).isCompletedExceptionally();
    try {
      waiting.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(FencedException.class);
    }
    assertThat(log.leading()).isFalse();
  }

  @Test
  void aNewerTermFromAFollowerDeposesTheLeader() {
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20);
    log.lead(1, 0, List.of("b"));
    assertThat(log.answered("b", new AppendResult(9, 0, AppendCode.STALE_TERM, 3, 0))).isEqualTo(3);
    assertThat(log.answered("b", new AppendResult(9, 0, AppendCode.STALE_TERM, 1, 0)))
        .isEqualTo(-1);
  }

  @Test
  void theLagIsMeasuredOncePerAnswerThatAcknowledgesNewEntriesFromWhenTheNewestWasApplied()
      throws InterruptedException {
    ReplicationStats stats = new ReplicationStats();
    List<Long> lags = new ArrayList<>();
    stats.onLag(lags::add);
    ReplicaLog log = new ReplicaLog(9, 0, 1 << 20, stats);
    log.lead(1, 0, List.of("b", "c"));
    next(log, "b");
    log.answered("b", ok(0)); // where b is: nothing of this leadership acknowledged
    long before = System.nanoTime();
    write(log, 1, 3);
    Thread.sleep(5); // the lag must cover at least this
    next(log, "b");
    log.answered("b", ok(3));
    long bound = System.nanoTime() - before;
    assertThat(lags).hasSize(1);
    assertThat(lags.get(0)).isBetween(5_000_000L, bound);

    next(log, "b"); // a heartbeat answered at the same offset acknowledges nothing new
    log.answered("b", ok(3));
    log.resetCursor("b"); // reconnected: its first answer says where it is, not a lag
    next(log, "b");
    log.answered("b", ok(3));
    assertThat(lags).hasSize(1);
  }
}
