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
 * Brings one replica back (OpenMLDB's {@code recovertable}): {@code retry} clears its not-alive
 * mark and touches the assignment, so a node whose load of it failed loads it again; {@code
 * catchup} waits until it serves.
 */
public final class RecoverTable extends PartitionKind {
  public RecoverTable(MetaStore store, MetaKeys keys, LongSupplier clock) {
    super(store, keys, clock);
  }

  @Override
  public OpType type() {
    return OpType.RecoverTable;
  }

  @Override
  public String firstTask() {
    return "retry";
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
      return Step.failed(node + " holds no replica of partition " + op.pid() + "; use addreplica");
    }
    if (op.curTask().equals("retry")) {
      assignments.markNotAlive(a.tableId(), a.partition(), node, false);
      if (!assignments.replace(assigned, Assignments.touched(a))) {
        return Step.retry(Duration.ofMillis(50), "the assignment changed meanwhile");
      }
      return Step.next("catchup", op);
    }
    return ReplicaCatchUp.await(op, view, a, node, clock.getAsLong(), Step.done());
  }
}
