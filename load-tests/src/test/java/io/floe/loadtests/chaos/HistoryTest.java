package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.table.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HistoryTest {
  private static final Map<String, Durability> TABLES =
      Map.of("mem", Durability.MEMORY, "rep", Durability.REPLICATED);

  @Test
  void concurrentClientsKeepEveryOp() throws Exception {
    int clients = 8;
    int perClient = 20_000;
    History history = new History(TABLES);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(pool.submit(() -> runClient(history, start, client, perClient)));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<Op> ops = history.ops();

    assertThat(ops).hasSize(clients * perClient);
    assertThat(ops.stream().map(Op::id).collect(Collectors.toSet())).hasSize(ops.size());
    assertThat(ops).allSatisfy(op -> assertThat(op.completeNanos()).isNotEqualTo(Op.NEVER));
    assertThat(ops)
        .allSatisfy(op -> assertThat(op.completeNanos()).isGreaterThanOrEqualTo(op.invokeNanos()));
    Set<String> written =
        ops.stream()
            .filter(op -> op.kind() == OpKind.WRITE)
            .map(Op::value)
            .collect(Collectors.toSet());
    assertThat(written).hasSize(clients * perClient / 2).contains("w7-19997", "w0-0");
    assertThat(ops.stream().collect(Collectors.groupingBy(Op::outcome, Collectors.counting())))
        .containsEntry(Outcome.UNKNOWN, (long) clients * perClient / 4)
        .containsEntry(Outcome.FAILED, (long) clients * perClient / 4);
    assertThat(ops.stream().collect(Collectors.groupingBy(Op::mode, Collectors.counting())))
        .containsEntry(Durability.MEMORY, (long) clients * perClient / 2);
  }

  private static Void runClient(History history, CountDownLatch start, int client, int ops)
      throws InterruptedException {
    start.await();
    for (int i = 0; i < ops; i++) {
      String table = i % 2 == 0 ? "mem" : "rep";
      String key = Integer.toString(i % 100);
      boolean write = i % 4 < 2;
      History.Pending op =
          history.begin(
              write ? OpKind.WRITE : OpKind.READ,
              table,
              key,
              write ? "w" + client + "-" + i : null);
      switch (i % 4) {
        case 0 -> history.ok(op);
        case 1 -> history.unknown(op, "timeout");
        case 2 -> history.failed(op, "refused");
        default -> history.ok(op, null);
      }
    }
    return null;
  }

  @Test
  void opsNeverCompletedAreUnknownAndTimesComeFromTheClock() {
    long[] now = {100};
    History history = new History(TABLES, () -> now[0]++);
    History.Pending read = history.begin(OpKind.READ, "rep", "k", null);
    History.Pending write = history.begin(OpKind.WRITE, "rep", "k", "w1");
    history.ok(read, "w0");

    List<Op> ops = history.ops();

    Function<Op, Outcome> outcome = Op::outcome;
    assertThat(ops).extracting(outcome).containsExactly(Outcome.OK, Outcome.UNKNOWN);
    assertThat(ops.get(0))
        .isEqualTo(
            new Op(
                0,
                OpKind.READ,
                Durability.REPLICATED,
                "rep",
                "k",
                "w0",
                100,
                102,
                Outcome.OK,
                null));
    assertThat(ops.get(1).completeNanos()).isEqualTo(Op.NEVER);
    assertThat(ops.get(1)).isEqualTo(write.invoked());
  }

  @Test
  void misuseIsRefused() {
    History history = new History(TABLES);
    History.Pending read = history.begin(OpKind.READ, "rep", "k", null);
    History.Pending write = history.begin(OpKind.WRITE, "rep", "k", "w1");

    assertThatThrownBy(() -> history.ok(read)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> history.ok(write, "w1")).isInstanceOf(IllegalArgumentException.class);
    history.ok(write);
    assertThatThrownBy(() -> history.unknown(write, "late"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> history.begin(OpKind.WRITE, "nope", "k", "w2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThat(history.ops()).extracting(Op::outcome).containsExactly(Outcome.UNKNOWN, Outcome.OK);
  }
}
