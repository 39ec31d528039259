package io.floe.dataplane.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendCode;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.ReplicatedEntry;
import io.floe.core.protocol.Request.Append;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.metrics.NodeMetrics;
import io.floe.dataplane.metrics.ReplicationMetrics;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.server.DataServer;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.Scrape;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One node that leads a partition (its followers' answers played by the test, no connection) and
 * follows another (the leader's APPENDs handed to it directly): the replication meters count what
 * was sent, received and applied, the writes that waited for a majority and the rounds that ended
 * either way, and read the lag on either side from the replicas' logs.
 */
@Timeout(30)
class ReplicationMetricsTest {
  private final MemoryBudget budget = new MemoryBudget(16 << 20);
  private final TableRegistry registry = new TableRegistry();
  private final EventLoopGroup io = DataServer.ioLoops(1);
  private final NodeMetrics metrics = new NodeMetrics("n1");
  private Replication replication;
  private Partition leader;
  private Partition follower;

  @BeforeEach
  void setUp() {
    replication = new Replication("n1", io, ReplicationSettings.defaults(), null, registry);
    leader = new Partition(5, 0, budget, replication.sinkFor(5, 0, Durability.REPLICATED));
    leader.becomeLeader(1);
    leader.markNormal();
    follower = new Partition(5, 1, budget, replication.sinkFor(5, 1, Durability.REPLICATED));
    follower.becomeFollower(1, "n2:1");
    follower.markNormal();
    registry.addIfAbsent(
        new HostedTable(
            "db.items",
            5,
            IdNameTable.SCHEMA,
            Durability.REPLICATED,
            3,
            new Partition[] {leader, follower},
            budget));
    // Leads with followers b and c; their links are not started, the test answers for them.
    Replication.logOf(leader).lead(1, 0, List.of("b", "c"));
    metrics.bind(new ReplicationMetrics(registry, replication.stats()));
  }

  @AfterEach
  void tearDown() {
    metrics.close();
    replication.close();
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private AppliedWrites write(long id) {
    Row row = new Row(id, "v" + id);
    return leader.write(
        List.of(PartitionWrite.put(IdNameTable.KEYS.encode(row), IdNameTable.ROWS.encode(row))),
        -1);
  }

  private static List<ReplicatedEntry> puts(long from, long to) {
    List<ReplicatedEntry> out = new ArrayList<>();
    for (long o = from; o <= to; o++) {
      out.add(
          new ReplicatedEntry(
              o,
              1,
              1_000 + o,
              false,
              IdNameTable.KEYS.encodeKey(o),
              IdNameTable.ROWS.encode(new Row(o, "v" + o))));
    }
    return out;
  }

  private AppendCode receive(long prev, List<ReplicatedEntry> entries) {
    AppendBlock block = new AppendBlock(5, 1, 1, 0, prev, 0, 0, 0, entries);
    return replication.onAppend(new Append("n2", List.of(block))).results().get(0).code();
  }

  private Scrape scrape() {
    return Scrape.parse(metrics.scrape());
  }

  @Test
  void sentReceivedAppliedAndWaitedForAreCountedAndLagsRead() {
    ReplicaLog log = Replication.logOf(leader);
    List<AppliedWrites> writes = new ArrayList<>();
    for (long id = 1; id <= 4; id++) {
      writes.add(write(id));
    }
    assertThat(writes).noneMatch(w -> w.durable().isDone());
    assertThat(log.nextBlock("b", 1 << 20, 0).entries()).isEmpty(); // asks b for its offset
    log.answered("b", new AppendResult(5, 0, AppendCode.OK, 1, 0));
    assertThat(log.nextBlock("b", 1 << 20, 0).entries()).hasSize(4);
    log.answered("b", new AppendResult(5, 0, AppendCode.OK, 1, 4)); // a majority: 1..4 commit
    assertThat(writes).allMatch(w -> w.durable().isDone());
    AppliedWrites abandoned = write(5);

    assertThat(receive(0, puts(1, 3))).isEqualTo(AppendCode.OK);
    assertThat(receive(7, puts(8, 9))).isEqualTo(AppendCode.GAP);
    assertThat(receive(10, List.of())).isEqualTo(AppendCode.OK); // a heartbeat: the leader is at 10

    Scrape scrape = scrape();
    assertThat(scrape.value("floe_replication_sent_blocks_total")).isEqualTo(2);
    assertThat(scrape.value("floe_replication_sent_entries_total")).isEqualTo(4);
    assertThat(scrape.value("floe_replication_received_blocks_total", "answer", "OK")).isEqualTo(2);
    assertThat(scrape.value("floe_replication_received_blocks_total", "answer", "GAP"))
        .isEqualTo(1);
    assertThat(scrape.value("floe_replication_received_blocks_total", "answer", "STALE_TERM"))
        .isZero();
    assertThat(scrape.value("floe_replication_applied_entries_total")).isEqualTo(3);
    assertThat(scrape.value("floe_replication_commit_waits_total")).isEqualTo(5);
    assertThat(scrape.value("floe_replication_commit_rounds_seconds_count"))
        .as("writes 1 to 4 came before any send: one round")
        .isEqualTo(1);
    assertThat(scrape.value("floe_replication_commit_rounds_seconds_sum")).isPositive();
    assertThat(scrape.value("floe_replication_lag_seconds_count"))
        .as("one answer acknowledged new entries (the first only said where b was)")
        .isEqualTo(1);
    assertThat(scrape.value("floe_replication_lag_seconds_sum")).isPositive();
    assertThat(scrape.value("floe_replication_lag_seconds_bucket", "le", "+Inf")).isEqualTo(1);
    assertThat(scrape.value("floe_replication_follower_lag_entries"))
        .as("c acknowledged nothing of the 5 entries led here")
        .isEqualTo(5);
    assertThat(scrape.value("floe_replication_behind_leader_entries"))
        .as("the leader said 10, the replica followed here holds 3")
        .isEqualTo(7);

    log.stopLeading(new FencedException("a newer term", 2));
    assertThat(abandoned.durable()).isCompletedExceptionally();
    assertThat(scrape().value("floe_replication_commit_rounds_failed_total")).isEqualTo(1);
  }
}
