package io.floe.dataplane.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.partition.RowExpiry;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.MemoryWalSink;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's expiry sweep over its hosted tables, with a clock the test moves. */
@Timeout(30)
class ExpirySweeperTest {
  static final long T0 = 1_700_000_000_000_000L;
  static final long MS = 1_000;

  private final AtomicLong now = new AtomicLong(T0);
  private final MemoryBudget budget = new MemoryBudget(1L << 30);

  private Partition serving(int pid, RowExpiry expiry) {
    Partition p = new Partition(1, pid, budget, new MemoryWalSink(), expiry);
    p.becomeLeader(1);
    p.markNormal();
    return p;
  }

  private HostedTable table(String name, OptionalLong ttlMs, Partition... partitions) {
    return new HostedTable(
        name, 1, IdNameTable.SCHEMA, Durability.MEMORY, 1, ttlMs, partitions, budget);
  }

  private static void write(Partition p, int rows) {
    for (long id = 0; id < rows; id++) {
      Row row = new Row(id, "v" + id);
      p.write(
          List.of(PartitionWrite.put(IdNameTable.KEYS.encode(row), IdNameTable.ROWS.encode(row))),
          -1);
    }
  }

  @Test
  void eachPassSweepsEveryServingReplicaOfATableWithATtlUpToItsKeys() {
    Partition p0 = serving(0, RowExpiry.after(300, now::get));
    Partition p2 = serving(2, RowExpiry.after(300, now::get));
    Partition loading = new Partition(1, 3, budget, new MemoryWalSink(), RowExpiry.never());
    HostedTable ttl = table("db.ttl", OptionalLong.of(300), p0, null, p2, loading);
    write(p0, 100);
    write(p2, 40);
    ExpirySweeper sweeper = new ExpirySweeper(() -> List.of(ttl), 60);

    assertThat(sweeper.sweepOnce()).as("nothing expired in p0's first 60, nor in p2").isZero();
    now.set(T0 + 301 * MS);
    assertThat(sweeper.sweepOnce()).as("p0's last 40, all 40 of p2").isEqualTo(80);
    assertThat(sweeper.sweepOnce()).as("p0 from its start again").isEqualTo(60);
    assertThat(sweeper.sweepOnce()).isZero();
    assertThat(p0.status().rowCount()).isZero();
    assertThat(p2.status().rowCount()).isZero();
    assertThat(budget.used()).isZero();
  }

  @Test
  void aTableWithoutATtlIsNotVisited() {
    // Its replicas could not expire anything; one whose expiry says otherwise proves the skip.
    Partition p = serving(0, RowExpiry.after(300, now::get));
    write(p, 10);
    ExpirySweeper sweeper =
        new ExpirySweeper(() -> List.of(table("db.plain", OptionalLong.empty(), p)), 100);
    now.set(T0 + 301 * MS);
    assertThat(sweeper.sweepOnce()).isZero();
    assertThat(p.status().rowCount()).isEqualTo(10);
  }

  @Test
  void startedItSweepsByItselfEveryInterval() {
    Partition p = serving(0, RowExpiry.after(300, now::get));
    HostedTable ttl = table("db.ttl", OptionalLong.of(300), p);
    write(p, 500);
    Properties settings = new Properties();
    settings.setProperty(ExpirySweeper.INTERVAL, "20ms");
    settings.setProperty(ExpirySweeper.KEYS, "100");
    try (ExpirySweeper sweeper = ExpirySweeper.start(() -> List.of(ttl), settings)) {
      now.set(T0 + 301 * MS);
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().rowCount() == 0);
      assertThat(budget.used()).isZero();
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    Properties keys = new Properties();
    keys.setProperty(ExpirySweeper.KEYS, "0");
    assertThatThrownBy(() -> ExpirySweeper.start(List::of, keys))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl.sweep-keys");
    Properties interval = new Properties();
    interval.setProperty(ExpirySweeper.INTERVAL, "0s");
    assertThatThrownBy(() -> ExpirySweeper.start(List::of, interval))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl.sweep-interval");
  }
}
