package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An operation on one partition: each task starts from a fresh read of the cluster and of the
 * partition's assignment, and a table or partition that went away ends the operation.
 */
abstract class PartitionKind implements OperationKind {
  protected final MetaStore store;
  protected final MetaKeys keys;
  protected final Assignments assignments;
  protected final LongSupplier clock;

  PartitionKind(MetaStore store, MetaKeys keys, LongSupplier clock) {
    this.store = store;
    this.keys = keys;
    this.assignments = new Assignments(store, keys);
    this.clock = clock;
  }

  @Override
  public final Step run(Operation op) {
    ClusterView view = ClusterView.read(store, keys);
    Optional<CatalogTable> table = view.table(op.table());
    if (table.isEmpty()) {
      return PartitionKind.missing(view, op, -1, "table " + op.table() + " no longer exists");
    }
    Optional<Assigned> a = view.assignment(table.get().tid(), op.pid());
    if (a.isEmpty()) {
      return PartitionKind.missing(
          view,
          op,
          table.get().tid(),
          "partition " + op.pid() + " of " + op.table() + " has no assignment");
    }
    return run(op, view, table.get(), a.get());
  }

  abstract Step run(Operation op, ClusterView view, CatalogTable table, Assigned assigned);

  /**
   * An operation whose table or assignment is missing from {@code view} fails with {@code gone},
   * unless its key is there with a value that does not parse: then it waits for a good one.
   */
  static Step missing(ClusterView view, Operation op, long tid, String gone) {
    return view.unreadable(op.table(), tid, op.pid())
        .map(why -> Step.retry(Duration.ofSeconds(1), why))
        .orElseGet(() -> Step.failed(gone));
  }
}
