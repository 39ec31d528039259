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

  /** Set while a cooperative hand-over drains this leader: writes go to the target (§7.3). */
  private volatile String handingOverTo;

  /** Moved to a new term by PREPARE_TERM (or deposed), following no one yet. */
  private volatile boolean prepared;

  /** A fresh replica that may not lead its assigned term (replication.md §7.4). */
  private volatile boolean standingBy;

  /**
   * Set when the node lost its etcd lease: writes stop at once, reads go on. Only a later term (a
   * new assignment naming this replica leader) lifts it, never the old term again: the control
   * plane may have handed the partition to another node meanwhile (spec.md §12.6).
   */
  private volatile boolean suspended;

  /**
   * The term the replica was in when the lease was lost: a leadership of a later term lifts the
   * suspension, even when a PREPARE_TERM has already moved the replica to that term (a fence asks
   * every replica before it names the leader), so "later than the current term" would never hold.
   */
  private long suspendedInTerm;

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
    if (newTerm > suspendedInTerm) {
      suspended = false;
    }
    boolean again = newTerm == term && role == PartitionRole.LEADER;
    term = newTerm;
    role = PartitionRole.LEADER;
    leaderEndpoint = "";
    prepared = false;
    standingBy = false;
    if (!again) {
      // The same leadership applied again (the node converging on an assignment that changed
      // elsewhere) must not resume the writes a hand-over stopped: the new leader starts at the
      // offset the hand-over reported, and a write applied after it would be lost.
      handingOverTo = null;
    }
  }

  /** Stops writes for a hand-over to {@code target} (its endpoint), or with null resumes them. */
  void handOver(String targetEndpoint) {
    handingOverTo = targetEndpoint;
  }

  synchronized void follow(long newTerm, String leader) {
    requireNotOlder(newTerm);
    term = newTerm;
    role = PartitionRole.FOLLOWER;
    leaderEndpoint = leader == null ? "" : leader;
    prepared = false;
    standingBy = false;
    handingOverTo = null;
  }

  /**
   * Moves to {@code newTerm} following no one (replication.md §7.1): a leader stops taking writes
   * at once; appends of older terms are refused from now on. The same term again changes nothing.
   *
   * @throws IllegalArgumentException when {@code newTerm} is older than the replica's
   */
  synchronized void prepare(long newTerm) {
    requireNotOlder(newTerm);
    if (newTerm == term && prepared) {
      return;
    }
    if (newTerm == term && role == PartitionRole.FOLLOWER && !leaderEndpoint.isEmpty()) {
      return; // already following the leader of that term
    }
    term = newTerm;
    role = PartitionRole.FOLLOWER;
    leaderEndpoint = "";
    prepared = true;
    standingBy = false;
    handingOverTo = null;
  }

  /** Like {@link #prepare}, for a replica that must not lead {@code newTerm} (§7.4). */
  synchronized void standBy(long newTerm) {
    prepare(newTerm);
    standingBy = true;
  }

  /** True while a fresh replica waits for a newer term than the one it may not lead. */
  public boolean standingBy() {
    return standingBy;
  }

  /** True between a prepare and the first leader of its term. */
  public boolean prepared() {
    return prepared;
  }

  /** The replica state of replication.md §2, as status reports name it. */
  public String replicaState() {
    PartitionState s = state;
    if (s == PartitionState.OFFLINE) {
      return "offline";
    }
    if (s == PartitionState.LOADING) {
      return role == PartitionRole.LEADER ? "promoting" : "loading";
    }
    if (role == PartitionRole.LEADER) {
      if (handingOverTo != null) {
        return "handing-over";
      }
      return suspended ? "suspended" : "leading";
    }
    return prepared ? "prepared" : "following";
  }

  /** Stops writes until a leadership in a newer term: the node lost its lease. */
  public synchronized void suspendWrites() {
    suspendedInTerm = term;
    suspended = true;
  }

  /** True while writes are stopped because the node lost its lease (until a later term). */
  public boolean suspended() {
    return suspended;
  }

  /** True when a write would pass the role checks now (serving, leader, not fenced/suspended). */
  public boolean writable() {
    return state == PartitionState.NORMAL
        && role == PartitionRole.LEADER
        && !fenced
        && !suspended
        && handingOverTo == null;
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

  /** A read any serving replica may answer (follower reads, replication.md §9). */
  void checkServingAnyRole(int partition) {
    checkServing(partition);
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
    String target = handingOverTo;
    if (target != null) {
      throw new NotLeaderException(
          "partition " + partition + " is being handed over to another replica", target);
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
