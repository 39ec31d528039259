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
    Optional<String> error,
    Optional<ReplicaProgress> replication) {

  /** A report without replication progress (an unreplicated replica, or an older writer). */
  public PartitionReport(
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
    this(
        node,
        tableId,
        partition,
        role,
        term,
        offset,
        state,
        rowCount,
        memoryBytes,
        writable,
        error,
        Optional.empty());
  }

  /**
   * Where a replica of a replicated partition stands (replication.md §10).
   *
   * @param replicaState one of replication.md §2's states ({@code leading}, {@code following} …)
   * @param commitOffset the leader's commit offset (0 on a follower)
   * @param lag entries the slowest follower is behind (leader), or behind the leader (follower)
   * @param manifestVersion the partition manifest this leader last committed (0: none, or a
   *     follower): where a follower prepared for the next term starts looking for the newest one
   */
  public record ReplicaProgress(
      String replicaState, long commitOffset, long lag, long manifestVersion) {
    public ReplicaProgress {
      Objects.requireNonNull(replicaState, "replicaState");
    }
  }

  public PartitionReport {
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(error, "error");
  }

  /**
   * Whether this replica, named in {@code term}, follows no one in it: prepared for the term, or a
   * fresh replica standing by because it may not lead it (replication.md §7.4). A leader of that
   * term reporting so holds nothing it could lead with until a newer term.
   */
  public boolean standsByIn(long term) {
    return this.term == term
        && role != PartitionRole.LEADER
        && replication.map(p -> p.replicaState().equals("prepared")).orElse(false);
  }

  /**
   * Whether this replica leads {@code term} but has heard from too few of its followers to make a
   * majority for a while (replication.md §2, {@code isolated}): cut off from them, it commits
   * nothing.
   */
  public boolean isolatedIn(long term) {
    return this.term == term
        && role == PartitionRole.LEADER
        && replication.map(p -> p.replicaState().equals("isolated")).orElse(false);
  }

  /**
   * Whether this replica leads {@code term} with writes stopped because its node lost its etcd
   * lease (replication.md §2, {@code suspended}): only a later term gives them back.
   */
  public boolean suspendedIn(long term) {
    return this.term == term
        && role == PartitionRole.LEADER
        && replication.map(p -> p.replicaState().equals("suspended")).orElse(false);
  }
}
