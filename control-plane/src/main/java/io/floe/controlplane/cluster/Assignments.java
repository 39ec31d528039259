package io.floe.controlplane.cluster;

import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignment.Replica;
import io.floe.storage.cluster.PartitionAssignment.ReplicaRole;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes of one partition's assignment, each written with a guard on the revision it was read at:
 * a change made from a stale read loses and is made again from a fresh one.
 */
public final class Assignments {
  private final MetaStore store;
  private final MetaKeys keys;

  public Assignments(MetaStore store, MetaKeys keys) {
    this.store = store;
    this.keys = keys;
  }

  /** Writes {@code next} in place of {@code read}; false when the assignment changed meanwhile. */
  public boolean replace(Assigned read, PartitionAssignment next) {
    String key = keys.partition(next.tableId(), next.partition());
    return store
        .txn()
        .ifModRevision(key, read.modRevision())
        .put(key, PartitionAssignmentParser.toBytes(next))
        .commit()
        .committed();
  }

  /** {@code a} with a follower on {@code node} (same term: the leader starts streaming to it). */
  public static PartitionAssignment withFollower(PartitionAssignment a, String node) {
    List<Replica> replicas = new ArrayList<>(a.replicas());
    replicas.add(new Replica(node, ReplicaRole.FOLLOWER));
    return new PartitionAssignment(
        a.tableId(), a.partition(), a.term(), a.leader(), replicas, a.version() + 1);
  }

  /** {@code a} without its follower on {@code node}. */
  public static PartitionAssignment without(PartitionAssignment a, String node) {
    List<Replica> replicas = new ArrayList<>(a.replicas());
    replicas.removeIf(r -> r.node().equals(node));
    return new PartitionAssignment(
        a.tableId(), a.partition(), a.term(), a.leader(), replicas, a.version() + 1);
  }

  /** {@code a} unchanged but for its version: every replica looks at it again. */
  public static PartitionAssignment touched(PartitionAssignment a) {
    return new PartitionAssignment(
        a.tableId(), a.partition(), a.term(), a.leader(), a.replicas(), a.version() + 1);
  }

  /** Marks (or unmarks) the replica of {@code node} not alive. */
  public void markNotAlive(long tid, int pid, String node, boolean notAlive) {
    String key = keys.notAlive(tid, pid, node);
    if (notAlive) {
      store.put(key, "no");
    } else {
      store.delete(key);
    }
  }
}
