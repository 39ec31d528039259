package io.floe.dataplane.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request.Write;
import io.floe.core.table.Durability;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HostedTableTest {
  private final MemoryBudget budget = new MemoryBudget(16 << 20);

  /** A WAL shared by the table's partitions that runs {@code onCheck} at every acceptance check. */
  private static final class CheckHookSink implements WalSink {
    private int checks;
    IntConsumer onCheck = n -> {};

    @Override
    public void checkAccepting() {
      onCheck.accept(++checks);
    }

    @Override
    public CompletableFuture<Void> append(WalEntry entry) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private HostedTable table(WalSink wal, int partitions) {
    Partition[] replicas = new Partition[partitions];
    for (int pid = 0; pid < partitions; pid++) {
      replicas[pid] = new Partition(7, pid, budget, wal);
      replicas[pid].becomeLeader(1);
      replicas[pid].markNormal();
    }
    return new HostedTable("db.items", 7, IdNameTable.SCHEMA, Durability.MEMORY, replicas, budget);
  }

  /** Puts of {@code perPartition} rows to each partition, partition 0's first. */
  private static List<Write> putsTo(int partitions, int perPartition) {
    List<Write> writes = new ArrayList<>();
    for (int pid = 0; pid < partitions; pid++) {
      int found = 0;
      for (long id = 0; found < perPartition; id++) {
        if (PartitionHasher.partition(IdNameTable.KEYS.encodeKey(id), partitions) == pid) {
          writes.add(Write.put(IdNameTable.ROWS.encode(new Row(id, "v" + id))));
          found++;
        }
      }
    }
    return writes;
  }

  @Test
  void aRoleChangeAfterTheChecksNeverSplitsABatch() {
    CheckHookSink wal = new CheckHookSink();
    HostedTable table = table(wal, 2);
    // The second check is partition 1's, just after its role passed: it is deposed right there,
    // between the batch's checks and its apply.
    wal.onCheck =
        n -> {
          if (n == 2) {
            table.partition(1).becomeFollower(2, "10.0.0.9:7400");
          }
        };
    List<Write> writes = putsTo(2, 3);

    Throwable failure = null;
    try {
      table.writeBatch(writes);
    } catch (NotLeaderException e) {
      failure = e;
    }

    long applied0 = table.partition(0).offset();
    long applied1 = table.partitionOrNull(1).offset();
    if (failure == null) {
      assertThat(new long[] {applied0, applied1}).containsExactly(3, 3);
    } else {
      assertThat(new long[] {applied0, applied1}).as("nothing applied").containsExactly(0, 0);
    }
    assertThat(budget.used())
        .isEqualTo(
            table.partition(0).status().memoryBytes()
                + table.partitionOrNull(1).status().memoryBytes());
  }

  @Test
  void aBatchRefusedByOnePartitionAppliesNothingAnywhere() {
    CheckHookSink wal = new CheckHookSink();
    HostedTable table = table(wal, 3);
    table.partition(2).becomeFollower(2, "");
    long used = budget.used();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.writeBatch(putsTo(3, 2)))
        .isInstanceOf(NotLeaderException.class);

    assertThat(table.partition(0).offset()).isZero();
    assertThat(table.partition(1).offset()).isZero();
    assertThat(budget.used()).isEqualTo(used);
  }
}
