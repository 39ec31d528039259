package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.protocol.ErrorCode;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PartitionConditionalWriteTest {
  private static final byte[] KEY = b("k");
  private final List<WalEntry> logged = Collections.synchronizedList(new ArrayList<>());
  private final WalSink recording =
      entry -> {
        logged.add(entry);
        return CompletableFuture.completedFuture(null);
      };
  private final Partition p = leader();

  private Partition leader() {
    Partition partition = new Partition(1, 0, new MemoryBudget(1 << 24), recording);
    partition.becomeLeader(1);
    partition.markNormal();
    return partition;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Partition.ConditionalWrite putIf(long expected, String row) {
    return p.writeIf(KEY, expected, false, current -> b(row));
  }

  private static long offset(Partition.ConditionalWrite w) {
    return w.applied().offsets()[0];
  }

  @Test
  void aPutWithTheCurrentVersionAppliesAndReportsThePriorVersion() {
    Partition.ConditionalWrite first = putIf(0, "a");
    assertThat(first.priorVersion()).isZero();
    Partition.ConditionalWrite second = putIf(offset(first), "b");
    assertThat(second.priorVersion()).isEqualTo(offset(first));
    assertThat(p.get(KEY)).isEqualTo(b("b"));
  }

  @Test
  void aStaleVersionFailsWithTheCurrentOneAndAppliesNothing() {
    long v1 = offset(putIf(-1, "a"));
    long v2 = offset(putIf(v1, "b"));
    long offsetBefore = p.offset();
    assertThatThrownBy(() -> putIf(v1, "c"))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONDITION_FAILED);
              assertThat(e.currentVersion()).isEqualTo(v2);
              assertThat(e.detail()).isEqualTo(Long.toString(v2));
            });
    assertThat(p.offset()).isEqualTo(offsetBefore);
    assertThat(logged).hasSize(2);
    assertThat(p.get(KEY)).isEqualTo(b("b"));
  }

  @Test
  void putIfAbsentFailsOnAnExistingRowAndSucceedsAfterItsDelete() {
    long v1 = offset(putIf(0, "a"));
    assertThatThrownBy(() -> putIf(0, "b"))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v1));
    Partition.ConditionalWrite deleted = p.writeIf(KEY, v1, false, current -> null);
    assertThat(deleted.priorVersion()).isEqualTo(v1);
    assertThat(p.get(KEY)).isNull();
    assertThat(putIf(0, "c").priorVersion()).isZero();
  }

  @Test
  void aVersionConditionOnAnAbsentRowFailsWithVersionZero() {
    assertThatThrownBy(() -> putIf(5, "a"))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
    assertThatThrownBy(() -> p.writeIf(KEY, -1, true, current -> current))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
    assertThat(p.offset()).isZero();
  }

  @Test
  void anUnconditionalDeleteSaysWhetherTheRowExisted() {
    assertThat(p.writeIf(KEY, -1, false, current -> null).priorVersion()).isZero();
    long v = offset(putIf(-1, "a"));
    assertThat(p.writeIf(KEY, -1, false, current -> null).priorVersion()).isEqualTo(v);
    assertThat(p.writeIf(KEY, -1, false, current -> null).priorVersion()).isZero();
  }

  @Test
  void theChangeSeesTheCurrentRowAndTheLogGetsTheWholeMergedRow() {
    putIf(-1, "ab");
    Partition.ConditionalWrite merged =
        p.writeIf(KEY, -1, true, current -> b(new String(current, StandardCharsets.UTF_8) + "c"));
    assertThat(p.get(KEY)).isEqualTo(b("abc"));
    WalEntry last = logged.get(logged.size() - 1);
    assertThat(last.delete()).isFalse();
    assertThat(last.row()).isEqualTo(b("abc"));
    assertThat(last.offset()).isEqualTo(offset(merged));
  }

  @Test
  void aChangeThatThrowsAppliesNothing() {
    putIf(-1, "a");
    assertThatThrownBy(
            () ->
                p.writeIf(
                    KEY,
                    -1,
                    true,
                    current -> {
                      throw new IllegalArgumentException("refused");
                    }))
        .hasMessage("refused");
    assertThat(p.offset()).isEqualTo(1);
    assertThat(p.get(KEY)).isEqualTo(b("a"));
  }

  /** Two writers each own one byte of the row: read-merge-write under the monitor loses none. */
  @Test
  void concurrentMergesOfDifferentPartsLoseNoUpdate() throws Exception {
    putIf(-1, "00");
    int rounds = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int part = 0; part < 2; part++) {
        int mine = part;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    byte value = (byte) ('0' + i % 10);
                    p.writeIf(
                        KEY,
                        -1,
                        true,
                        current -> {
                          byte[] next = current.clone();
                          next[mine] = value;
                          return next;
                        });
                  }
                }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }
    byte last = (byte) ('0' + (rounds - 1) % 10);
    assertThat(p.get(KEY)).containsExactly(last, last);
    assertThat(p.offset()).isEqualTo(1 + 2L * rounds);
  }
}
