package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.function.LongSupplier;

/**
 * A replica's node came back (OpenMLDB's {@code kReAddReplicaOP}): the node rejoins by itself — it
 * reads its assignment, loads the partition from S3 and takes the rest from the leader — and this
 * operation follows it until the replica serves in the partition's term, so {@code showopstatus}
 * shows the catch-up and its end. Param {@code endpoint}: the node.
 */
public final class ReAddReplica extends PartitionKind {
  public ReAddReplica(MetaStore store, MetaKeys keys, LongSupplier clock) {
    super(store, keys, clock);
  }

  @Override
  public OpType type() {
    return OpType.ReAddReplica;
  }

  @Override
  public String firstTask() {
    return "catchup";
  }

  @Override
  public boolean cancellable(String task) {
    return true; // it only watches
  }

  @Override
  Step run(Operation op, ClusterView view, CatalogTable table, Assigned assigned) {
    String node = op.param("endpoint");
    PartitionAssignment a = assigned.assignment();
    if (a.replicaOn(node).isEmpty()) {
      return new Step.Done(node + " no longer holds a replica of partition " + op.pid());
    }
    return ReplicaCatchUp.await(op, view, a, node, clock.getAsLong(), Step.done());
  }
}
