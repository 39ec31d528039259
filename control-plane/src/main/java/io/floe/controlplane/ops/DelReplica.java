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
 * Removes the follower on {@code endpoint} from a partition (OpenMLDB's {@code delreplica}); the
 * node releases its memory. A leader is not removed (move the leadership first), nor a partition's
 * last replica.
 */
public final class DelReplica extends PartitionKind {
  public DelReplica(MetaStore store, MetaKeys keys, LongSupplier clock) {
    super(store, keys, clock);
  }

  @Override
  public OpType type() {
    return OpType.DelReplica;
  }

  @Override
  public String firstTask() {
    return "remove";
  }

  @Override
  public boolean cancellable(String task) {
    return true;
  }

  @Override
  Step run(Operation op, ClusterView view, CatalogTable table, Assigned assigned) {
    PartitionAssignment a = assigned.assignment();
    String node = op.param("endpoint");
    if (a.replicaOn(node).isEmpty()) {
      return Step.done();
    }
    if (a.leader().equals(node)) {
      return Step.failed(node + " leads partition " + op.pid() + "; changeleader first");
    }
    if (!assignments.replace(assigned, Assignments.without(a, node))) {
      return Step.retry(Duration.ofMillis(50), "the assignment changed meanwhile");
    }
    assignments.markNotAlive(a.tableId(), a.partition(), node, false);
    return Step.done();
  }
}
