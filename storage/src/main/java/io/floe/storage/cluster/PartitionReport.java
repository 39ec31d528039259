package io.floe.storage.cluster;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's report on one partition replica it was assigned ({@code
 * /floe/{cluster}/status/{node}/{tid}/{pid}}, under the node's lease). {@code error} says why the
 * replica could not be created or loaded; it is then {@link PartitionState#OFFLINE}.
 */
public record PartitionReport(
    String node,
    long tableId,
    int partition,
    PartitionRole role,
    long term,
    long offset,
    PartitionState state,
    long rowCount,
    long memoryBytes,
    boolean writable,
    Optional<String> error) {

  public PartitionReport {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(error, "error");
  }
}
