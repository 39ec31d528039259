package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.dataplane.wal.WalBacklogException;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PartitionTest {
  private final List<WalEntry> logged = new ArrayList<>();
  private final WalSink recording =
      entry -> {
        logged.add(entry);
        return CompletableFuture.completedFuture(null);
      };

  private Partition leader(long memoryLimit) {
    Partition p = new Partition(1, 0, new MemoryBudget(memoryLimit), recording);
    p.becomeLeader(1);
    p.markNormal();
    return p;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long put(Partition p, String key, String row) {
    return p.write(List.of(PartitionWrite.put(b(key), b(row))), -1).offsets()[0];
  }

  private static long delete(Partition p, String key) {
    return p.write(List.of(PartitionWrite.delete(b(key))), -1).offsets()[0];
  }

  @Test
  void writesGetDenseOffsetsIncreasingTimestampsAndReachTheLogInOrder() {
    Partition p = leader(1 << 20);
    assertThat(put(p, "a", "1")).isEqualTo(1);
    assertThat(put(p, "b", "2")).isEqualTo(2);
    assertThat(delete(p, "a")).isEqualTo(3);
    assertThat(delete(p, "never")).isEqualTo(4);
    assertThat(logged).extracting(WalEntry::offset).containsExactly(1L, 2L, 3L, 4L);
    assertThat(logged).extracting(WalEntry::term).containsOnly(1L);
    for (int i = 1; i < logged.size(); i++) {
      assertThat(logged.get(i).timestamp()).isGreaterThan(logged.get(i - 1).timestamp());
    }
    assertThat(logged.get(2).delete()).isTrue();
    assertThat(p.get(b("a"))).isNull();
    assertThat(p.get(b("b"))).isEqualTo(b("2"));
    assertThat(p.status().rowCount()).isEqualTo(1);
    assertThat(p.status().offset()).isEqualTo(4);
  }

  @Test
  void scansFollowUnsignedKeyOrderWithinBounds() {
    Partition p = leader(1 << 20);
    byte[][] keys = {{0x01}, {0x7f}, {(byte) 0x80}, {(byte) 0xff}, {0x01, 0x00}};
    for (byte[] key : keys) {
      p.write(List.of(PartitionWrite.put(key, new byte[] {1})), -1);
    }
    List<byte[]> all = keysOf(p.scan(null, true, null, false, 100));
    assertThat(all)
        .containsExactly(
            new byte[] {0x01},
            new byte[] {0x01, 0x00},
            new byte[] {0x7f},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xff});
    assertThat(keysOf(p.scan(new byte[] {0x7f}, false, new byte[] {(byte) 0xff}, true, 100)))
        .containsExactly(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff});
    assertThat(keysOf(p.scan(new byte[] {0x7f}, true, new byte[] {(byte) 0xff}, false, 1)))
        .containsExactly(new byte[] {0x7f});
  }

  @Test
  void aRangeWhoseStartLiesAboveItsEndIsEmptyNotAnError() {
    Partition p = leader(1 << 20);
    for (byte k = 1; k < 10; k++) {
      p.write(List.of(PartitionWrite.put(new byte[] {k}, new byte[] {1})), -1);
    }
    assertThat(p.scan(new byte[] {7}, true, new byte[] {3}, true, 100)).isEmpty();
    assertThat(p.scan(new byte[] {5}, false, new byte[] {5}, true, 100)).isEmpty();
    assertThat(p.scan(new byte[] {5}, true, new byte[] {5}, false, 100)).isEmpty();
    assertThat(keysOf(p.scan(new byte[] {5}, true, new byte[] {5}, true, 100)))
        .containsExactly(new byte[] {5});
  }

  private static List<byte[]> keysOf(List<KeyedRow> rows) {
    return rows.stream().map(KeyedRow::key).toList();
  }

  @Test
  void aViewSeesExactlyItsOffsetWhileWritesContinue() {
    Partition p = leader(1 << 20);
    put(p, "a", "a1");
    put(p, "b", "b1");
    put(p, "c", "c1");
    try (PartitionView view = p.openView()) {
      assertThat(view.offset()).isEqualTo(3);
      put(p, "a", "a2");
      delete(p, "b");
      put(p, "d", "d1");
      put(p, "a", "a3");
      List<KeyedRow> rows = new ArrayList<>();
      view.forEach(rows::add);
      assertThat(rows)
          .extracting(r -> new String(r.row(), StandardCharsets.UTF_8))
          .containsExactly("a1", "b1", "c1");
      assertThat(rows).allSatisfy(r -> assertThat(r.offset()).isLessThanOrEqualTo(3));
      assertThat(view.get(b("b"))).isEqualTo(b("b1"));
      assertThat(p.get(b("a"))).isEqualTo(b("a3"));
      assertThat(p.get(b("b"))).isNull();
    }
    assertThat(p.status().rowCount()).isEqualTo(3);
  }

  @Test
  void closingTheLastViewGivesBackOldVersionsAndTombstones() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    Partition p = new Partition(1, 0, budget, recording);
    p.becomeLeader(1);
    p.markNormal();
    put(p, "a", "a1");
    put(p, "b", "b1");
    long before = budget.used();
    PartitionView view = p.openView();
    for (int i = 0; i < 100; i++) {
      put(p, "a", "value-" + i);
    }
    delete(p, "b");
    assertThat(budget.used()).isGreaterThan(before + 100 * Version.OVERHEAD);
    view.close();
    put(p, "b", "b2");
    delete(p, "b");
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
    assertThat(p.scan(null, true, null, false, 10)).hasSize(1);
    assertThat(budget.used()).isLessThan(before);
  }

  @Test
  void overTheMemoryLimitWritesFailAndReadsGoOn() {
    Partition p = leader(2_000);
    put(p, "a", "x");
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 1000; i++) {
                put(p, "k" + i, "0123456789");
              }
            })
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MEMORY_LIMIT));
    long offset = p.offset();
    assertThatThrownBy(() -> put(p, "big", "y".repeat(5000)))
        .isInstanceOf(FloeRequestException.class);
    assertThat(p.offset()).isEqualTo(offset);
    assertThat(p.get(b("a"))).isEqualTo(b("x"));
    delete(p, "a"); // deletes reserve little and free what they remove
  }

  /** A WAL that refuses writes while S3 is "down" (its backlog full), then recovers. */
  private static final class OutageSink implements WalSink {
    volatile boolean down;

    @Override
    public void checkAccepting() {
      if (down) {
        throw new WalBacklogException(256L << 20, 256L << 20);
      }
    }

    @Override
    public CompletableFuture<Void> append(WalEntry entry) {
      return CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void writesRefusedByTheWalGiveBackTheirMemory() {
    MemoryBudget budget = new MemoryBudget(64 << 10);
    OutageSink wal = new OutageSink();
    Partition p = new Partition(1, 0, budget, wal);
    p.becomeLeader(1);
    p.markNormal();
    put(p, "before", "x");
    long used = budget.used();
    wal.down = true;
    for (int i = 0; i < 10_000; i++) {
      String key = "k" + i;
      assertThatThrownBy(() -> put(p, key, "0123456789")).isInstanceOf(WalBacklogException.class);
    }
    assertThat(budget.used()).isEqualTo(used);
    wal.down = false;
    for (int i = 0; i < 100; i++) {
      put(p, "k" + i, "0123456789");
    }
    assertThat(p.offset()).isEqualTo(101);
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
  }

  @Test
  void aWalThatThrowsMidBatchLeavesMemoryAccountedAndStopsFurtherWrites() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    List<WalEntry> appended = new ArrayList<>();
    WalSink breaksOnSecond =
        entry -> {
          if (appended.size() == 1) {
            throw new IllegalStateException("disk on fire");
          }
          appended.add(entry);
          return CompletableFuture.completedFuture(null);
        };
    Partition p = new Partition(1, 0, budget, breaksOnSecond);
    p.becomeLeader(1);
    p.markNormal();
    AppliedWrites applied =
        p.write(
            List.of(
                PartitionWrite.put(b("a"), b("1")),
                PartitionWrite.put(b("b"), b("2")),
                PartitionWrite.put(b("c"), b("3"))),
            -1);
    assertThat(applied.offsets()).containsExactly(1, 2, 3);
    assertThat(applied.durable()).isCompletedExceptionally();
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
    // The log now has a hole after offset 1: nothing may follow it.
    assertThatThrownBy(() -> put(p, "d", "4"))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.getMessage()).contains("offset 2").contains("disk on fire"));
    assertThat(appended).hasSize(1);
    assertThat(budget.used()).isEqualTo(p.status().memoryBytes());
  }

  @Test
  void roleAndStateChecksGuardEveryRequest() {
    Partition p = new Partition(1, 3, new MemoryBudget(1 << 20), recording);
    assertThat(p.status().state()).isEqualTo(PartitionState.LOADING);
    assertThatThrownBy(() -> p.get(b("a")))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_LOADING));
    p.markNormal();
    p.becomeFollower(2, "10.0.0.2:7400");
    assertThatThrownBy(() -> put(p, "a", "1"))
        .isInstanceOfSatisfying(
            NotLeaderException.class,
            e -> assertThat(e.leaderEndpoint()).isEqualTo("10.0.0.2:7400"));
    p.becomeLeader(3);
    assertThatThrownBy(() -> p.write(List.of(PartitionWrite.put(b("a"), b("1"))), 2))
        .isInstanceOfSatisfying(FencedException.class, e -> assertThat(e.term()).isEqualTo(3));
    assertThat(p.write(List.of(PartitionWrite.put(b("a"), b("1"))), 3).offsets())
        .containsExactly(1);
    p.role().fence();
    assertThatThrownBy(() -> put(p, "a", "2")).isInstanceOf(FencedException.class);
    assertThat(p.get(b("a"))).isEqualTo(b("1"));
    assertThatThrownBy(() -> p.becomeLeader(2)).isInstanceOf(IllegalArgumentException.class);
    p.drop();
    assertThatThrownBy(() -> p.get(b("a")))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_NOT_FOUND));
  }

  @Test
  void concurrentReadersSeeConsistentViewsWhileAWriterRuns() throws Exception {
    Partition p = leader(64 << 20);
    for (int i = 0; i < 1000; i++) {
      put(p, String.format("k%04d", i), "0");
    }
    Thread writer =
        new Thread(
            () -> {
              for (int round = 1; round <= 20; round++) {
                for (int i = 0; i < 1000; i++) {
                  put(p, String.format("k%04d", i), Integer.toString(round));
                }
              }
            });
    writer.start();
    while (writer.isAlive()) {
      try (PartitionView view = p.openView()) {
        long count = 0;
        long maxOffset = 0;
        for (KeyedRow row : view) {
          count++;
          maxOffset = Math.max(maxOffset, row.offset());
        }
        assertThat(count).isEqualTo(1000);
        assertThat(maxOffset).isLessThanOrEqualTo(view.offset());
      }
    }
    writer.join();
    assertThat(p.offset()).isEqualTo(21_000);
  }
}
