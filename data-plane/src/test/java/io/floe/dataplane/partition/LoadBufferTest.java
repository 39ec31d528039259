package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Row;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.MemoryWalSink;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadBufferTest {
  static byte[] key(long id) {
    return IdNameTable.KEYS.encodeKey(id);
  }

  static byte[] row(long id, String name) {
    return IdNameTable.ROWS.encode(new Row(id, name));
  }

  /** The entry a load ended on stays whole: the replica log's anchor after a reset (§6.3). */
  @Test
  void aLoadEndingOnAnEntryKeepsItWholeAndOneEndingOnASnapshotKeepsNone() {
    Partition p = new Partition(1, 0, new MemoryBudget(1L << 30), new MemoryWalSink());
    LoadBuffer buffer = p.newLoadBuffer();
    buffer.snapshotRow(3, 1_003, key(1), row(1, "a"));
    buffer.snapshotLoaded(5, 1);
    buffer.termReached(2);
    buffer.replay(6, 1_006, key(2), row(2, "b"));
    buffer.replay(7, 1_007, key(1), null);
    buffer.install();
    assertThat(p.lastEntry()).isNotNull();
    assertThat(p.lastEntry().offset()).isEqualTo(7);
    assertThat(p.lastEntry().term()).isEqualTo(2);
    assertThat(p.lastEntry().delete()).isTrue();
    assertThat(p.lastEntry().key()).isEqualTo(key(1));

    Partition snap = new Partition(1, 0, new MemoryBudget(1L << 30), new MemoryWalSink());
    LoadBuffer onlySnapshot = snap.newLoadBuffer();
    onlySnapshot.snapshotRow(3, 1_003, key(1), row(1, "a"));
    onlySnapshot.snapshotLoaded(5, 1);
    onlySnapshot.install();
    assertThat(snap.offset()).isEqualTo(5);
    assertThat(snap.lastEntry()).isNull();
  }

  /** The same history written live and loaded through a buffer gives the same partition. */
  @Test
  void aLoadedPartitionEqualsTheOneThatWroteTheHistory() {
    Random random = new Random(7);
    MemoryBudget liveBudget = new MemoryBudget(1L << 30);
    Partition live = new Partition(1, 0, liveBudget, new MemoryWalSink());
    live.becomeLeader(1);
    live.markNormal();
    MemoryBudget loadBudget = new MemoryBudget(1L << 30);
    Partition loaded = new Partition(1, 0, loadBudget, new MemoryWalSink());
    LoadBuffer buffer = loaded.newLoadBuffer();
    TreeMap<Long, String> model = new TreeMap<>();
    for (int i = 1; i <= 20_000; i++) {
      long id = random.nextInt(3_000);
      boolean delete = random.nextInt(4) == 0;
      byte[] r = delete ? null : row(id, "v" + i);
      live.write(
          List.of(delete ? PartitionWrite.delete(key(id)) : PartitionWrite.put(key(id), r)), -1);
      buffer.replay(i, 1_000 + i, key(id), r);
      if (delete) {
        model.remove(id);
      } else {
        model.put(id, "v" + i);
      }
    }
    buffer.install();
    loaded.becomeLeader(2);
    loaded.markNormal();
    assertThat(loaded.offset()).isEqualTo(20_000);
    assertThat(loaded.status().rowCount()).isEqualTo(model.size());
    assertThat(loaded.status().memoryBytes()).isEqualTo(live.status().memoryBytes());
    assertThat(loadBudget.used()).isEqualTo(liveBudget.used());
    List<KeyedRow> rows = loaded.scan(null, true, null, true, Integer.MAX_VALUE);
    assertThat(rows).hasSize(model.size());
    int i = 0;
    for (var e : model.entrySet()) {
      Row r = IdNameTable.ROWS.decode(rows.get(i++).row());
      assertThat(r.get(0)).isEqualTo(e.getKey());
      assertThat(r.get(1)).isEqualTo(e.getValue());
    }
  }

  @Test
  void aGapInOffsetsIsRefusedNamingBoth() {
    Partition p = new Partition(1, 0, new MemoryBudget(1L << 20), new MemoryWalSink());
    LoadBuffer buffer = p.newLoadBuffer();
    buffer.snapshotLoaded(10, 1);
    buffer.replay(11, 1, key(1), row(1, "a"));
    assertThatThrownBy(() -> buffer.replay(13, 2, key(2), row(2, "b")))
        .hasMessage("offset 13 after 11");
  }

  @Test
  void aLoadOverTheMemoryLimitFailsAndGivesEverythingBack() {
    MemoryBudget budget = new MemoryBudget(4L << 20);
    Partition p = new Partition(1, 0, budget, new MemoryWalSink());
    LoadBuffer buffer = p.newLoadBuffer();
    assertThatThrownBy(
            () -> {
              for (int i = 1; i <= 1_000_000; i++) {
                buffer.replay(i, i, key(i), row(i, "x".repeat(100)));
              }
            })
        .isInstanceOf(FloeRequestException.class);
    buffer.discard();
    assertThat(budget.used()).isZero();
  }

  /**
   * A load never installs an expired row (spec.md §14.9): snapshot rows and puts already expired
   * when it starts are dropped as they are read, rows that expire while it runs when it installs.
   */
  @Test
  void expiredRowsAreNeitherKeptNorInstalledAndTheirMemoryIsGivenBack() {
    long t0 = 1_700_000_000_000_000L;
    long ms = 1_000;
    AtomicLong now = new AtomicLong(t0 + 520 * ms); // rows written up to t0 + 220 ms expired
    MemoryBudget budget = new MemoryBudget(1L << 30);
    Partition p = new Partition(1, 0, budget, new MemoryWalSink(), RowExpiry.after(300, now::get));
    LoadBuffer buffer = p.newLoadBuffer();
    buffer.snapshotRow(1, t0, key(1), row(1, "expired"));
    buffer.snapshotRow(2, t0 + 100 * ms, key(2), row(2, "expired"));
    buffer.snapshotLoaded(2, 1);
    for (int i = 0; i < 10_000; i++) {
      buffer.replay(3 + i, t0 + 200 * ms + i, key(100 + i), row(100 + i, "expired " + i));
    }
    assertThat(budget.used()).as("expired puts take no memory").isZero();
    buffer.replay(10_003, t0 + 230 * ms, key(3), row(3, "expires during the load"));
    buffer.replay(10_004, t0 + 300 * ms, key(4), row(4, "live"));
    now.set(t0 + 540 * ms);
    buffer.install();
    p.becomeLeader(1);
    p.markNormal();

    assertThat(p.offset()).isEqualTo(10_004);
    assertThat(p.get(key(1))).isNull();
    assertThat(p.get(key(3))).isNull();
    assertThat(p.get(key(100))).isNull();
    assertThat(p.get(key(4))).isEqualTo(row(4, "live"));
    assertThat(p.status().rowCount()).isOne();
    assertThat(p.status().memoryBytes())
        .isEqualTo(
            Partition.KEY_OVERHEAD + key(4).length + Version.OVERHEAD + row(4, "live").length);
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
  }
}
