package io.floe.storage.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The desired placement of one partition ({@code /floe/{cluster}/partitions/{tid}/{pid}}): its
 * replicas on distinct nodes, which of them leads, and in which term. {@code version} counts the
 * changes of this assignment (1 when created); the control plane bumps it with every write, and the
 * term with every leader change.
 */
public record PartitionAssignment(
    long tableId,
    int partition,
    long term,
    String leader,
    List<Replica> replicas,
    long version,
    Optional<HandOverPoint> handover) {

  public PartitionAssignment {
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(handover, "handover");
    replicas = List.copyOf(replicas);
  }

  /** An assignment reached without a cooperative hand-over (the new leader seals). */
  public PartitionAssignment(
      long tableId, int partition, long term, String leader, List<Replica> replicas, long version) {
    this(tableId, partition, term, leader, replicas, version, Optional.empty());
  }

  /**
   * Where a cooperative hand-over left the old leader's WAL stream (replication.md §7.3): the new
   * leader reads {@code from}'s stream of {@code incarnation} up to {@code lastSeq} and does not
   * seal it, since that node keeps shipping its other partitions there.
   */
  public record HandOverPoint(String from, long incarnation, long lastSeq) {
    public HandOverPoint {
      Objects.requireNonNull(from, "from");
    }
  }

  /** The same placement with {@code newLeader} leading in the next term after a hand-over. */
  public PartitionAssignment handedOverTo(String newLeader, HandOverPoint point) {
    PartitionAssignment moved = withLeader(newLeader);
    return new PartitionAssignment(
        tableId,
        partition,
        moved.term(),
        newLeader,
        moved.replicas(),
        moved.version(),
        Optional.of(point));
  }

  /** The same placement and term, the hand-over point dropped (its new leader served). */
  public PartitionAssignment withoutHandOver() {
    return new PartitionAssignment(
        tableId, partition, term, leader, replicas, version + 1, Optional.empty());
  }

  /** One replica: the node holding it and its role there. */
  public record Replica(String node, ReplicaRole role) {
    public Replica {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(role, "role");
    }
  }

  /** A replica's role as the desired state names it. */
  public enum ReplicaRole {
    LEADER("leader"),
    FOLLOWER("follower");

    private final String jsonName;

    ReplicaRole(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }

    public static ReplicaRole fromJsonName(String name) {
      for (ReplicaRole role : values()) {
        if (role.jsonName.equals(name)) {
          return role;
        }
      }
      return null;
    }
  }

  /** The replica on {@code node}, if the assignment names it. */
  public Optional<Replica> replicaOn(String node) {
    return replicas.stream().filter(r -> r.node().equals(node)).findFirst();
  }

  /** The same placement with {@code newLeader} leading in the next term. */
  public PartitionAssignment withLeader(String newLeader) {
    List<Replica> moved =
        replicas.stream()
            .map(
                r ->
                    new Replica(
                        r.node(),
                        r.node().equals(newLeader) ? ReplicaRole.LEADER : ReplicaRole.FOLLOWER))
            .toList();
    return new PartitionAssignment(tableId, partition, term + 1, newLeader, moved, version + 1);
  }
}
