package io.floe.controlplane.ops;

import io.floe.controlplane.cluster.ClusterView;
import io.floe.core.partition.PartitionState;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import java.time.Duration;
import java.util.Optional;

/** The wait every replica-moving operation ends with: a replica serving in its partition's term. */
final class ReplicaCatchUp {
  static final Duration LIMIT = Duration.ofMinutes(10);

  private ReplicaCatchUp() {}

  /**
   * Done when the replica of {@code node} serves in {@code a}'s term; else a retry that says why.
   */
  static Step await(
      Operation op, ClusterView view, PartitionAssignment a, String node, long nowMs, Step done) {
    Optional<PartitionReport> r = view.report(node, a.tableId(), a.partition());
    if (r.isPresent() && r.get().term() == a.term() && r.get().state() == PartitionState.NORMAL) {
      return done;
    }
    if (nowMs - op.startTimeMs() > LIMIT.toMillis()) {
      return Step.failed(
          node
              + " did not catch up in "
              + LIMIT.toMinutes()
              + " min: "
              + r.map(x -> x.state() + " term " + x.term() + " " + x.error().orElse(""))
                  .orElse("no report"));
    }
    return Step.retry(
        Duration.ofMillis(200),
        "waiting for "
            + node
            + " to serve term "
            + a.term()
            + r.map(x -> " (now " + x.state() + ", term " + x.term() + ")")
                .orElse(" (no report yet)"));
  }
}
