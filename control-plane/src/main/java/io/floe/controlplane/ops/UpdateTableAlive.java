package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.Optional;

/**
 * Marks replicas of {@code endpoint} alive or not (OpenMLDB's {@code updatetablealive}), one
 * partition or every one ({@code pid} -1). A replica marked not alive shows {@code is_alive no} and
 * is not chosen leader while another as advanced is there; marking a leader not alive with {@code
 * auto_failover} on moves its leadership.
 */
public final class UpdateTableAlive implements OperationKind {
  private final MetaStore store;
  private final MetaKeys keys;
  private final Assignments assignments;

  public UpdateTableAlive(MetaStore store, MetaKeys keys) {
    this.store = store;
    this.keys = keys;
    this.assignments = new Assignments(store, keys);
  }

  @Override
  public OpType type() {
    return OpType.UpdateTableAlive;
  }

  @Override
  public String firstTask() {
    return "mark";
  }

  @Override
  public boolean cancellable(String task) {
    return true;
  }

  @Override
  public Step run(Operation op) {
    ClusterView view = ClusterView.read(store, keys);
    Optional<CatalogTable> table = view.table(op.table());
    if (table.isEmpty()) {
      return Step.failed("table " + op.table() + " no longer exists");
    }
    String node = op.param("endpoint");
    boolean notAlive = "no".equals(op.param("alive"));
    int marked = 0;
    for (Assigned a : view.assignments(table.get().tid())) {
      if ((op.pid() < 0 || a.assignment().partition() == op.pid())
          && a.assignment().replicaOn(node).isPresent()) {
        assignments.markNotAlive(table.get().tid(), a.assignment().partition(), node, notAlive);
        marked++;
      }
    }
    if (marked == 0) {
      return Step.failed(
          node + " holds no replica of " + op.table() + (op.pid() < 0 ? "" : " pid " + op.pid()));
    }
    return new Step.Done(marked + " replica(s) marked " + (notAlive ? "not alive" : "alive"));
  }
}
