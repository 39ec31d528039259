package io.floe.controlplane.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.controlplane.ControlException;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operations stored in a real etcd: progress, resumption by a new leader, order, cancel. */
class OperationEngineTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private MetaStore store;
  private OperationStore ops;
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final AtomicBoolean leading = new AtomicBoolean(true);
  private final CountDownLatch release = new CountDownLatch(1);
  private OperationEngine engine;

  /** Three tasks, a → b → c; task b of an operation with param hold=yes waits for the latch. */
  private final OperationKind kind =
      new OperationKind() {
        @Override
        public OpType type() {
          return OpType.AddReplica;
        }

        @Override
        public String firstTask() {
          return "a";
        }

        @Override
        public boolean cancellable(String task) {
          return !task.equals("c");
        }

        @Override
        public Step run(Operation op) {
          ran.add(op.id() + ":" + op.curTask());
          switch (op.curTask()) {
            case "a":
              return Step.next("b", op.with("seen-a", "yes"));
            case "b":
              if ("yes".equals(op.param("hold")) && release.getCount() > 0) {
                return Step.retry(Duration.ofMillis(20), "held");
              }
              return Step.next("c", op);
            default:
              return "yes".equals(op.param("fail")) ? Step.failed("asked to fail") : Step.done();
          }
        }
      };

  /** One task; with param hold=yes it waits for the latch. */
  private final OperationKind leaderChange =
      new OperationKind() {
        @Override
        public OpType type() {
          return OpType.ChangeLeader;
        }

        @Override
        public String firstTask() {
          return "go";
        }

        @Override
        public boolean cancellable(String task) {
          return true;
        }

        @Override
        public Step run(Operation op) {
          ran.add(op.id() + ":" + op.curTask());
          if ("yes".equals(op.param("hold")) && release.getCount() > 0) {
            return Step.retry(Duration.ofMillis(20), "held");
          }
          return Step.done();
        }
      };

  /** a → (not stored) b, deciding a param; b waits for the latch, then done. */
  private final OperationKind unstored =
      new OperationKind() {
        @Override
        public OpType type() {
          return OpType.Migrate;
        }

        @Override
        public String firstTask() {
          return "a";
        }

        @Override
        public boolean cancellable(String task) {
          return true;
        }

        @Override
        public Step run(Operation op) {
          ran.add(op.id() + ":" + op.curTask());
          if (op.curTask().equals("a")) {
            return Step.then("b", op.with("decided", "yes"));
          }
          if (release.getCount() > 0) {
            return Step.retry(Duration.ofMillis(20), "held");
          }
          return Step.done();
        }
      };

  @BeforeEach
  void setUp() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    ops =
        new OperationStore(
            store, MetaKeys.forCluster("ops-" + System.nanoTime()), System::currentTimeMillis);
  }

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
    store.close();
  }

  private OperationEngine start() {
    engine =
        new OperationEngine(
            ops, List.of(kind, leaderChange, unstored), leading::get, System::currentTimeMillis, 4);
    return engine;
  }

  private Operation awaitEnd(long id) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ops.get(id).orElseThrow().op(), op -> op.status().ended());
  }

  @Test
  void anUnstoredStepRunsAtOnceAndTheNextStoredOneKeepsWhatItDecided() {
    Operation op = start().submit(OpType.Migrate, "db.t", 0, Map.of());
    Operation held =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ops.get(op.id()).orElseThrow().op(), o -> o.reason().isPresent());
    assertThat(held.curTask()).isEqualTo("b");
    assertThat(held.status()).isEqualTo(OpStatus.doing);
    assertThat(held.param("decided")).isEqualTo("yes");
    assertThat(held.reason()).contains("held");
    release.countDown();
    assertThat(awaitEnd(op.id()).status()).isEqualTo(OpStatus.done);
    assertThat(ran.stream().filter(r -> r.equals(op.id() + ":a"))).hasSize(1);
  }

  @Test
  void endedOperationsLeaveTheOpenSetThatEveryPassReads() {
    Operation held = start().submit(OpType.AddReplica, "db.t", 0, Map.of("hold", "yes"));
    Operation quick = engine.submit(OpType.AddReplica, "db.t", 1, Map.of());
    awaitEnd(quick.id());
    assertThat(ops.open()).extracting(s -> s.op().id()).containsExactly(held.id());
    assertThat(ops.all()).extracting(s -> s.op().id()).containsExactly(held.id(), quick.id());
    assertThat(ops.get(quick.id()).orElseThrow().op().status()).isEqualTo(OpStatus.done);
    release.countDown();
    awaitEnd(held.id());
    assertThat(ops.open()).isEmpty();
    assertThat(ops.all()).extracting(s -> s.op().status()).containsOnly(OpStatus.done);
    // An ended operation is not moved again: a second end (a stale writer) finds it changed.
    OperationStore.Stored done = ops.get(held.id()).orElseThrow();
    assertThat(ops.update(done, done.op().ended(OpStatus.failed, 1, "late"))).isEmpty();
    assertThat(ops.get(held.id()).orElseThrow().op().status()).isEqualTo(OpStatus.done);
  }

  @Test
  void anOperationRunsItsTasksInOrderAndKeepsWhatTheyDecided() {
    Operation op = start().submit(OpType.AddReplica, "db.t", 0, Map.of("endpoint", "n1"));
    Operation ended = awaitEnd(op.id());
    assertThat(ended.status()).isEqualTo(OpStatus.done);
    assertThat(ended.curTask()).isEqualTo("c");
    assertThat(ended.param("seen-a")).isEqualTo("yes");
    assertThat(ended.endTimeMs()).isPresent();
    assertThat(ran).containsExactly(op.id() + ":a", op.id() + ":b", op.id() + ":c");
  }

  @Test
  void aFailedTaskEndsTheOperationWithItsReason() {
    Operation op = start().submit(OpType.AddReplica, "db.t", 0, Map.of("fail", "yes"));
    Operation ended = awaitEnd(op.id());
    assertThat(ended.status()).isEqualTo(OpStatus.failed);
    assertThat(ended.reason()).contains("asked to fail");
  }

  @Test
  void aNewLeaderResumesAnOperationAtItsCurrentTask() {
    // A leader died after task a: the stored operation is doing, at b.
    OperationStore.Stored s = ops.create(OpType.AddReplica, "db.t", 1, "a", Map.of());
    ops.update(s, s.op().at("b", OpStatus.doing).with("seen-a", "by the dead leader"));
    start();
    Operation ended = awaitEnd(s.op().id());
    assertThat(ended.status()).isEqualTo(OpStatus.done);
    assertThat(ended.param("seen-a")).isEqualTo("by the dead leader");
    assertThat(ran).containsExactly(s.op().id() + ":b", s.op().id() + ":c");
  }

  @Test
  void nothingRunsWhileNotLeading() throws Exception {
    leading.set(false);
    Operation op = start().submit(OpType.AddReplica, "db.t", 0, Map.of());
    assertThat(release.await(300, TimeUnit.MILLISECONDS)).isFalse(); // time for a pass or two
    assertThat(ran).isEmpty();
    assertThat(ops.get(op.id()).orElseThrow().op().status()).isEqualTo(OpStatus.inited);
    leading.set(true);
    assertThat(awaitEnd(op.id()).status()).isEqualTo(OpStatus.done);
  }

  @Test
  void operationsOnOnePartitionRunOneAtATimeInIdOrder() {
    start();
    Operation first = engine.submit(OpType.AddReplica, "db.t", 2, Map.of("hold", "yes"));
    Operation second = engine.submit(OpType.AddReplica, "db.t", 2, Map.of());
    Operation other = engine.submit(OpType.AddReplica, "db.t", 3, Map.of());
    assertThat(awaitEnd(other.id()).status()).isEqualTo(OpStatus.done);
    assertThat(ran).noneMatch(r -> r.startsWith(second.id() + ":"));
    release.countDown();
    awaitEnd(second.id());
    assertThat(ran.indexOf(first.id() + ":c")).isLessThan(ran.indexOf(second.id() + ":a"));
  }

  @Test
  void aFailoverRunsBesideACatchUpButWaitsForAnotherLeaderChange() throws Exception {
    start();
    Operation catchUp = engine.submit(OpType.AddReplica, "db.t", 5, Map.of("hold", "yes"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(catchUp.id() + ":b"));
    Operation failover =
        engine.submit(
            OpType.ChangeLeader,
            "db.t",
            5,
            Map.of(OperationEngine.AUTO, OperationEngine.FAILOVER, "hold", "yes"));
    Operation typed = engine.submit(OpType.ChangeLeader, "db.t", 5, Map.of());
    // the failover starts at once beside the catch-up; the typed change waits for both
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(failover.id() + ":go"));
    Operation laterFailover =
        engine.submit(
            OpType.ChangeLeader, "db.t", 5, Map.of(OperationEngine.AUTO, OperationEngine.FAILOVER));
    assertThat(release.await(300, TimeUnit.MILLISECONDS)).isFalse(); // time for a pass or two
    assertThat(ran).doesNotContain(typed.id() + ":go", laterFailover.id() + ":go");
    release.countDown();
    assertThat(awaitEnd(failover.id()).status()).isEqualTo(OpStatus.done);
    assertThat(awaitEnd(typed.id()).status()).isEqualTo(OpStatus.done);
    assertThat(awaitEnd(laterFailover.id()).status()).isEqualTo(OpStatus.done);
    assertThat(awaitEnd(catchUp.id()).status()).isEqualTo(OpStatus.done);
    assertThat(ran.indexOf(catchUp.id() + ":c")).isLessThan(ran.indexOf(typed.id() + ":go"));
  }

  @Test
  void cancelStopsAnOperationWhereItMayStopAndRefusesOtherwise() {
    start();
    Operation held = engine.submit(OpType.AddReplica, "db.t", 4, Map.of("hold", "yes"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(held.id() + ":b"));
    Operation canceled = engine.cancel(held.id());
    assertThat(canceled.status()).isEqualTo(OpStatus.canceled);
    release.countDown();
    assertThat(awaitEnd(held.id()).status()).isEqualTo(OpStatus.canceled);
    assertThat(ran).doesNotContain(held.id() + ":c");

    assertThatThrownBy(() -> engine.cancel(held.id()))
        .isInstanceOf(ControlException.class)
        .hasMessageContaining("already ended");
    assertThatThrownBy(() -> engine.cancel(999_999))
        .isInstanceOfSatisfying(
            ControlException.class,
            e -> assertThat(e.problem()).isEqualTo(ControlException.Problem.OPERATION_NOT_FOUND));
    // At task c (not cancellable) a cancel is refused.
    OperationStore.Stored atC = ops.create(OpType.AddReplica, "db.u", 0, "c", Map.of());
    leading.set(false);
    ops.update(atC, atC.op().at("c", OpStatus.doing));
    assertThatThrownBy(() -> engine.cancel(atC.op().id()))
        .isInstanceOfSatisfying(
            ControlException.class, e -> assertThat(e.getMessage()).contains("cannot stop safely"));
    assertThat(Optional.of(ops.get(atC.op().id()).orElseThrow().op().status()))
        .contains(OpStatus.doing);
  }

  @Test
  void storedOperationsRoundTrip() {
    OperationStore.Stored s =
        ops.create(OpType.Migrate, "db.t", 7, "add", Map.of("src", "a", "des", "b"));
    Operation back = ops.get(s.op().id()).orElseThrow().op();
    assertThat(back).isEqualTo(s.op());
    Operation ended = back.with("note", "x").ended(OpStatus.failed, 42, "because");
    ops.update(ops.get(back.id()).orElseThrow(), ended);
    assertThat(ops.get(back.id()).orElseThrow().op()).isEqualTo(ended);
    assertThat(ops.all()).extracting(x -> x.op().id()).containsExactly(back.id());
  }
}
