package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Moves one partition's replica from {@code src} to {@code des} with no write lost (OpenMLDB's
 * {@code migrate}, one operation per partition): {@code add} a follower on {@code des}, {@code
 * catchup} until it serves, {@code leader} — when {@code src} leads — a change of leader run as
 * {@link ChangeLeader} runs it (a hand-over to {@code des}, its state kept in params prefixed
 * {@code cl.}), then {@code remove} the replica on {@code src}.
 */
public final class Migrate extends PartitionKind {
  private static final String SUB = "cl.";
  private final ChangeLeader changeLeader;

  public Migrate(MetaStore store, MetaKeys keys, ChangeLeader changeLeader, LongSupplier clock) {
    super(store, keys, clock);
    this.changeLeader = changeLeader;
  }

  @Override
  public OpType type() {
    return OpType.Migrate;
  }

  @Override
  public String firstTask() {
    return "add";
  }

  @Override
  public boolean cancellable(String task) {
    return task.equals("add");
  }

  @Override
  Step run(Operation op, ClusterView view, CatalogTable table, Assigned assigned) {
    PartitionAssignment a = assigned.assignment();
    String src = op.param("src");
    String des = op.param("des");
    switch (op.curTask()) {
      case "add":
        if (a.replicaOn(des).isPresent()) {
          return Step.next("catchup", op);
        }
        if (a.replicaOn(src).isEmpty()) {
          return Step.failed(src + " holds no replica of partition " + op.pid());
        }
        if (!view.nodes().containsKey(des)) {
          return Step.failed("node " + des + " is not registered");
        }
        if (!assignments.replace(assigned, Assignments.withFollower(a, des))) {
          return Step.retry(Duration.ofMillis(50), "the assignment changed meanwhile");
        }
        return Step.next("catchup", op);
      case "catchup":
        return ReplicaCatchUp.await(op, view, a, des, clock.getAsLong(), Step.next("leader", op));
      case "leader":
        return leader(op, a);
      case "remove":
        if (a.replicaOn(src).isEmpty()) {
          return Step.done();
        }
        if (a.leader().equals(src)) {
          return Step.next("leader", op);
        }
        if (!assignments.replace(assigned, Assignments.without(a, src))) {
          return Step.retry(Duration.ofMillis(50), "the assignment changed meanwhile");
        }
        return Step.done();
      default:
        return Step.failed("unknown task " + op.curTask());
    }
  }

  /** One task of the leader change, as a ChangeLeader operation of its own would run it. */
  private Step leader(Operation op, PartitionAssignment a) {
    String task = op.param(SUB + "task");
    if (task == null) {
      if (!a.leader().equals(op.param("src"))) {
        return Step.next("remove", op);
      }
      task = changeLeader.firstTask();
    }
    Map<String, String> subParams = new HashMap<>();
    op.params()
        .forEach(
            (k, v) -> {
              if (k.startsWith(SUB)) {
                subParams.put(k.substring(SUB.length()), v);
              }
            });
    subParams.remove("task");
    subParams.put("endpoint", op.param("des"));
    Operation sub =
        new Operation(
            op.id(),
            OpType.ChangeLeader,
            op.table(),
            op.pid(),
            OpStatus.doing,
            op.startTimeMs(),
            Optional.empty(),
            task,
            Optional.empty(),
            subParams);
    Step step = changeLeader.run(sub);
    if (step instanceof Step.Next next) {
      Operation moved = op;
      for (Map.Entry<String, String> e : next.op().params().entrySet()) {
        moved = moved.with(SUB + e.getKey(), e.getValue());
      }
      return Step.next("leader", moved.with(SUB + "task", next.task()));
    }
    if (step instanceof Step.Done) {
      return Step.next("remove", op.with(SUB + "task", "done"));
    }
    return step;
  }
}
