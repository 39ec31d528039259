package io.floe.dataplane.partition;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;

/**
 * State, role and term of a partition replica and the checks every request passes: the seam where
 * replication and the assignment watch will drive leadership. A new replica is {@code LOADING} and
 * a follower of term 0 until told otherwise.
 */
public final class ReplicaRole {
  private volatile PartitionState state = PartitionState.LOADING;
  private volatile PartitionRole role = PartitionRole.FOLLOWER;
  private volatile long term;
  private volatile String leaderEndpoint = "";
  private volatile boolean fenced;
  private volatile String offlineReason = "";

  /**
   * Set when the node lost its etcd lease: writes stop at once, reads go on. Only a later term (a
   * new assignment naming this replica leader) lifts it, never the old term again: the control
   * plane may have handed the partition to another node meanwhile (spec.md §12.6).
   */
  private volatile boolean suspended;

  public PartitionState state() {
    return state;
  }

  public PartitionRole role() {
    return role;
  }

  public long term() {
    return term;
  }

  public String leaderEndpoint() {
    return leaderEndpoint;
  }

  void setState(PartitionState state) {
    this.state = state;
  }

  void setOffline(String reason) {
    offlineReason = reason;
    state = PartitionState.OFFLINE;
  }

  /** Why the replica is offline ("" when it was simply dropped). */
  public String offlineReason() {
    return offlineReason;
  }

  synchronized void lead(long newTerm) {
    requireNotOlder(newTerm);
    if (newTerm > term) {
      suspended = false;
    }
    term = newTerm;
    role = PartitionRole.LEADER;
    leaderEndpoint = "";
  }

  synchronized void follow(long newTerm, String leader) {
    requireNotOlder(newTerm);
    term = newTerm;
    role = PartitionRole.FOLLOWER;
    leaderEndpoint = leader == null ? "" : leader;
  }

  /** Stops writes until a leadership in a newer term: the node lost its lease. */
  public void suspendWrites() {
    suspended = true;
  }

  /** True when a write would pass the role checks now (serving, leader, not fenced/suspended). */
  public boolean writable() {
    return state == PartitionState.NORMAL && role == PartitionRole.LEADER && !fenced && !suspended;
  }

  /** Stops writes for good: a newer leader owns this partition's WAL stream. */
  public void fence() {
    fenced = true;
  }

  private void requireNotOlder(long newTerm) {
    if (newTerm < term) {
      throw new IllegalArgumentException("term " + newTerm + " is older than " + term);
    }
  }

  void checkReadable(int partition) {
    checkServing(partition);
    if (role != PartitionRole.LEADER) {
      throw notLeader(partition);
    }
  }

  /** Returns the term the write is applied in. */
  long checkWritable(int partition, long expectedTerm) {
    checkServing(partition);
    if (fenced) {
      throw new FencedException(
          "partition " + partition + " is fenced: a newer leader took over", term);
    }
    if (expectedTerm >= 0 && expectedTerm < term) {
      throw new FencedException(
          "partition " + partition + ": write of term " + expectedTerm + " after term " + term,
          term);
    }
    if (role != PartitionRole.LEADER || (expectedTerm >= 0 && expectedTerm > term)) {
      throw notLeader(partition);
    }
    if (suspended) {
      throw new NotLeaderException(
          "partition "
              + partition
              + ": this node lost its cluster lease and takes no writes until reassigned",
          "");
    }
    return term;
  }

  private void checkServing(int partition) {
    PartitionState s = state;
    if (s == PartitionState.LOADING) {
      throw new FloeRequestException(
          ErrorCode.PARTITION_LOADING, "partition " + partition + " is loading; retry shortly");
    }
    if (s == PartitionState.OFFLINE) {
      throw new FloeRequestException(
          ErrorCode.PARTITION_NOT_FOUND,
          "partition "
              + partition
              + " is offline on this node"
              + (offlineReason.isEmpty() ? "" : ": " + offlineReason));
    }
  }

  private NotLeaderException notLeader(int partition) {
    return new NotLeaderException(
        "this node does not lead partition " + partition + " (term " + term + ")", leaderEndpoint);
  }
}
