package io.floe.dataplane.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.partition.PartitionRole;
import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendCode;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.ReplicatedEntry;
import io.floe.core.protocol.Request.Append;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.server.DataServer;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.testing.IdNameTable;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The follower's rules of replication.md §6: order, terms, gaps, anchors and divergence. */
@Timeout(30)
class ReplicationReceiverTest {
  private final MemoryBudget budget = new MemoryBudget(16 << 20);
  private final TableRegistry registry = new TableRegistry();
  private final AtomicInteger refills = new AtomicInteger();
  private final EventLoopGroup io = DataServer.ioLoops(1);
  private Replication replication;
  private Partition follower;

  @BeforeEach
  void setUp() {
    replication = new Replication("f", io, ReplicationSettings.defaults(), null, registry);
    replication.configure(
        Runnable::run,
        (table, partition) -> {
          refills.incrementAndGet();
          partition.resetForReload(); // S3 holds nothing in this test
          partition.markNormal();
        },
        node -> node + ":1");
    follower = new Partition(5, 0, budget, replication.sinkFor(5, 0, Durability.REPLICATED));
    follower.becomeFollower(1, "leader:1");
    follower.markNormal();
    registry.addIfAbsent(
        new HostedTable(
            "db.items",
            5,
            IdNameTable.SCHEMA,
            Durability.REPLICATED,
            3,
            new Partition[] {follower},
            budget));
  }

  @AfterEach
  void tearDown() {
    replication.close();
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static ReplicatedEntry put(long offset, long term, long id) {
    return new ReplicatedEntry(
        offset,
        term,
        1_000 + offset,
        false,
        IdNameTable.KEYS.encodeKey(id),
        IdNameTable.ROWS.encode(new Row(id, "v" + offset)));
  }

  private static List<ReplicatedEntry> puts(long from, long to, long term) {
    List<ReplicatedEntry> out = new ArrayList<>();
    for (long o = from; o <= to; o++) {
      out.add(put(o, term, o));
    }
    return out;
  }

  private AppendResult send(long term, long termStart, long prev, List<ReplicatedEntry> entries) {
    return send(term, termStart, prev, 0, entries);
  }

  private AppendResult send(
      long term, long termStart, long prev, int flags, List<ReplicatedEntry> entries) {
    AppendBlock block = new AppendBlock(5, 0, term, termStart, prev, 0, 0, flags, entries);
    return replication.onAppend(new Append("leader", List.of(block))).results().get(0);
  }

  @Test
  void entriesApplyInOrderWithTheirOwnOffsetsAndTerms() {
    AppendResult r = send(1, 0, 0, puts(1, 5, 1));
    assertThat(r.code()).isEqualTo(AppendCode.OK);
    assertThat(r.offset()).isEqualTo(5);
    assertThat(follower.offset()).isEqualTo(5);
    assertThat(follower.lastTerm()).isEqualTo(1);
    // Entries it holds already are skipped; the rest applies.
    assertThat(send(1, 0, 3, puts(4, 7, 1)).offset()).isEqualTo(7);
    assertThat(follower.getAny(IdNameTable.KEYS.encodeKey(6L)).row()).isNotNull();
  }

  @Test
  void aHoleIsAGapAndNothingAfterItApplies() {
    send(1, 0, 0, puts(1, 3, 1));
    AppendResult r = send(1, 0, 5, puts(6, 8, 1));
    assertThat(r.code()).isEqualTo(AppendCode.GAP);
    assertThat(r.offset()).isEqualTo(3);
    assertThat(follower.offset()).isEqualTo(3);
  }

  @Test
  void anOlderTermIsRefused() {
    follower.becomeFollower(3, "other:1");
    AppendResult r = send(2, 0, 0, puts(1, 1, 2));
    assertThat(r.code()).isEqualTo(AppendCode.STALE_TERM);
    assertThat(r.term()).isEqualTo(3);
    assertThat(follower.offset()).isZero();
  }

  @Test
  void aPreparedReplicaRefusesTheOldTermAndFollowsTheNewLeader() {
    send(1, 0, 0, puts(1, 4, 1));
    follower.prepare(2);
    assertThat(send(1, 0, 4, puts(5, 5, 1)).code()).isEqualTo(AppendCode.STALE_TERM);
    assertThat(follower.offset()).isEqualTo(4);

    // The leader of term 2 started at 4: the follower asks for its last entry first (the anchor).
    AppendResult first = send(2, 4, 4, List.of());
    assertThat(first.code()).isEqualTo(AppendCode.GAP);
    assertThat(first.offset()).isEqualTo(4);
    AppendResult anchored = send(2, 4, 3, List.of(put(4, 1, 4), put(5, 2, 5)));
    assertThat(anchored.code()).isEqualTo(AppendCode.OK);
    assertThat(follower.offset()).isEqualTo(5);
    assertThat(follower.lastTerm()).isEqualTo(2);
    assertThat(follower.role().replicaState()).isEqualTo("following");
    assertThat(follower.role().term()).isEqualTo(2);
  }

  @Test
  void entriesPastTheNewTermsStartFromAnOlderTermAreDiscarded() {
    send(1, 0, 0, puts(1, 6, 1));
    // The new leader began term 2 at offset 4: entries 5 and 6 of term 1 never reached it.
    AppendResult r = send(2, 4, 4, List.of());
    assertThat(r.code()).isEqualTo(AppendCode.DIVERGED);
    assertThat(refills.get()).isEqualTo(1);
    assertThat(follower.offset()).isZero(); // refilled from (an empty) S3
    // After the refill the leader sends from the start and the replica takes it.
    assertThat(send(2, 4, 0, puts(1, 3, 1)).code()).isEqualTo(AppendCode.OK);
    assertThat(follower.offset()).isEqualTo(3);
  }

  @Test
  void anAnchorOfAnotherTermIsADivergence() {
    send(1, 0, 0, puts(1, 4, 1));
    AppendResult r = send(3, 6, 3, List.of(put(4, 2, 4), put(5, 2, 5)));
    assertThat(r.code()).isEqualTo(AppendCode.DIVERGED);
    assertThat(refills.get()).isEqualTo(1);
  }

  @Test
  void aReloadNoticeRefillsFromS3() {
    send(1, 0, 0, puts(1, 2, 1));
    AppendResult r = send(1, 0, 2, AppendBlock.RELOAD, List.of());
    assertThat(r.code()).isEqualTo(AppendCode.NOT_READY);
    assertThat(refills.get()).isEqualTo(1);
  }

  @Test
  void aLeaderOfTheSameTermRefusesAppendsAndANewerTermDeposesIt() {
    Partition p = follower;
    p.becomeLeader(1);
    assertThat(send(1, 0, 0, puts(1, 1, 1)).code()).isEqualTo(AppendCode.NOT_READY);
    assertThat(send(2, 0, 0, puts(1, 1, 2)).code()).isEqualTo(AppendCode.OK);
    assertThat(p.role().role()).isEqualTo(PartitionRole.FOLLOWER);
    assertThat(p.role().term()).isEqualTo(2);
  }

  @Test
  void aPartitionNotHostedHereIsNotReady() {
    AppendBlock block = new AppendBlock(99, 0, 1, 0, 0, 0, 0, 0, List.of());
    AppendResult r = replication.onAppend(new Append("leader", List.of(block))).results().get(0);
    assertThat(r.code()).isEqualTo(AppendCode.NOT_READY);
  }
}
