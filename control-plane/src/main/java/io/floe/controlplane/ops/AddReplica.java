package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A new follower of a partition on {@code endpoint} (OpenMLDB's {@code addreplica} and {@code
 * loadtable}): {@code add} writes it into the assignment in the same term — the node fills it from
 * S3 and the leader streams it the rest — and {@code catchup} waits until it serves.
 */
public final class AddReplica extends PartitionKind {
  private final OpType type;

  public AddReplica(OpType type, MetaStore store, MetaKeys keys, LongSupplier clock) {
    super(store, keys, clock);
    this.type = type;
  }

  @Override
  public OpType type() {
    return type;
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
    String node = op.param("endpoint");
    switch (op.curTask()) {
      case "add":
        if (a.replicaOn(node).isPresent()) {
          return Step.next("catchup", op);
        }
        if (!view.nodes().containsKey(node)) {
          return Step.failed("node " + node + " is not registered");
        }
        if (!assignments.replace(assigned, Assignments.withFollower(a, node))) {
          return Step.retry(Duration.ofMillis(50), "the assignment changed meanwhile");
        }
        return Step.next("catchup", op);
      case "catchup":
        if (a.replicaOn(node).isEmpty()) {
          return Step.failed("the replica on " + node + " was removed by another change");
        }
        return ReplicaCatchUp.await(op, view, a, node, clock.getAsLong(), Step.done());
      default:
        return Step.failed("unknown task " + op.curTask());
    }
  }
}
