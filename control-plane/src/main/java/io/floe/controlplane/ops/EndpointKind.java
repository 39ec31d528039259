package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A whole node's operations (OpenMLDB's {@code offlineendpoint} and {@code recoverendpoint}).
 *
 * <p>{@code OfflineEndpoint}: {@code mark} every replica of the node not alive, {@code leaders}
 * start a {@code ChangeLeader} for each partition it leads — a hand-over to a live follower while
 * the node serves (its stream is not sealed, so it keeps running), a fence otherwise — and {@code
 * await} them.
 *
 * <p>{@code RecoverEndpoint}: {@code unmark} its replicas and {@code catchup} until each serves in
 * its term. It needs no {@code offlineendpoint} before it (OpenMLDB does): it only clears marks and
 * waits, so it is also the way to watch a node that restarted come back.
 */
public final class EndpointKind implements OperationKind {
  private final OpType type;
  private final MetaStore store;
  private final MetaKeys keys;
  private final Assignments assignments;
  private final Supplier<OperationEngine> engine;
  private final OperationStore ops;
  private final LongSupplier clock;

  public EndpointKind(
      OpType type,
      MetaStore store,
      MetaKeys keys,
      Supplier<OperationEngine> engine,
      OperationStore ops,
      LongSupplier clock) {
    if (type != OpType.OfflineEndpoint && type != OpType.RecoverEndpoint) {
      throw new IllegalArgumentException(type.name());
    }
    this.type = type;
    this.store = store;
    this.keys = keys;
    this.assignments = new Assignments(store, keys);
    this.engine = engine;
    this.ops = ops;
    this.clock = clock;
  }

  @Override
  public OpType type() {
    return type;
  }

  @Override
  public String firstTask() {
    return type == OpType.OfflineEndpoint ? "mark" : "unmark";
  }

  @Override
  public boolean cancellable(String task) {
    return !task.equals("leaders");
  }

  @Override
  public Step run(Operation op) {
    ClusterView view = ClusterView.read(store, keys);
    String node = op.param("endpoint");
    List<Assigned> held = new ArrayList<>();
    for (Assigned a : view.allAssignments()) {
      if (a.assignment().replicaOn(node).isPresent()) {
        held.add(a);
      }
    }
    switch (op.curTask()) {
      case "mark", "unmark" -> {
        boolean mark = op.curTask().equals("mark");
        for (Assigned a : held) {
          assignments.markNotAlive(
              a.assignment().tableId(), a.assignment().partition(), node, mark);
        }
        return Step.next(mark ? "leaders" : "catchup", op);
      }
      case "leaders" -> {
        List<String> started = new ArrayList<>();
        for (Assigned a : held) {
          PartitionAssignment p = a.assignment();
          Optional<CatalogTable> t = view.table(p.tableId());
          if (t.isPresent() && p.leader().equals(node) && p.replicas().size() > 1) {
            Operation child =
                engine
                    .get()
                    .submit(
                        OpType.ChangeLeader,
                        t.get().fullName(),
                        p.partition(),
                        Map.of("offline", node, "reason", "offlineendpoint " + node));
            started.add(Long.toString(child.id()));
          }
        }
        return Step.next("await", op.with("children", String.join(",", started)));
      }
      case "await" -> {
        String children = op.param("children");
        List<String> waiting = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        if (children != null && !children.isEmpty()) {
          for (String id : Arrays.asList(children.split(","))) {
            Optional<Operation> child = ops.get(Long.parseLong(id)).map(OperationStore.Stored::op);
            if (child.isPresent() && !child.get().status().ended()) {
              waiting.add(id);
            } else if (child.isPresent() && child.get().status() != OpStatus.done) {
              failed.add(id);
            }
          }
        }
        if (!waiting.isEmpty()) {
          return Step.retry(
              Duration.ofMillis(200), "waiting for ChangeLeader operations " + waiting);
        }
        return failed.isEmpty()
            ? Step.done()
            : Step.failed("ChangeLeader operations " + failed + " did not finish");
      }
      case "catchup" -> {
        for (Assigned a : held) {
          Step s =
              ReplicaCatchUp.await(op, view, a.assignment(), node, clock.getAsLong(), Step.done());
          if (!(s instanceof Step.Done)) {
            return s;
          }
        }
        return Step.done();
      }
      default -> {
        return Step.failed("unknown task " + op.curTask());
      }
    }
  }
}
