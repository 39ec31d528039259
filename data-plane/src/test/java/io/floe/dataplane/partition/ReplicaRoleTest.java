package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.NotLeaderException;
import org.junit.jupiter.api.Test;

/** A lost lease stops a leader's writes until a leadership of a later term (replication.md §2). */
class ReplicaRoleTest {
  private static ReplicaRole servingLeader(long term) {
    ReplicaRole role = new ReplicaRole();
    role.setState(PartitionState.NORMAL);
    role.lead(term);
    return role;
  }

  @Test
  void aSuspendedLeaderSaysSoAndRefusesWrites() {
    ReplicaRole role = servingLeader(3);
    assertThat(role.replicaState()).isEqualTo("leading");
    role.suspendWrites();
    assertThat(role.writable()).isFalse();
    assertThat(role.replicaState()).isEqualTo("suspended");
    assertThatThrownBy(() -> role.checkWritable(0, 3))
        .isInstanceOf(NotLeaderException.class)
        .hasMessageContaining("lost its cluster lease");
  }

  /**
   * A fault test lost an acknowledged write: the node converged on an assignment changed for
   * another partition, applied this leadership again, and so resumed the writes a hand-over had
   * stopped; the new leader started at the offset the hand-over reported.
   */
  @Test
  void theSameTermAssignedAgainDoesNotResumeWritesAHandOverStopped() {
    ReplicaRole role = servingLeader(3);
    role.handOver("127.0.0.1:7402");
    role.lead(3);
    assertThat(role.writable()).isFalse();
    assertThat(role.replicaState()).isEqualTo("handing-over");
    role.lead(4);
    assertThat(role.writable()).isTrue();
  }

  @Test
  void theSameTermAssignedAgainDoesNotLiftTheSuspension() {
    ReplicaRole role = servingLeader(3);
    role.suspendWrites();
    role.lead(3);
    assertThat(role.writable()).isFalse();
    assertThat(role.replicaState()).isEqualTo("suspended");
  }

  @Test
  void aLaterTermLiftsItEvenWhenAPrepareMovedTheReplicaThereFirst() {
    // A fence prepares every replica for the next term before it names the leader: the leadership
    // then arrives in the term the replica is already in.
    ReplicaRole role = servingLeader(3);
    role.suspendWrites();
    role.prepare(4);
    assertThat(role.term()).isEqualTo(4);
    role.lead(4);
    assertThat(role.writable()).isTrue();
    assertThat(role.replicaState()).isEqualTo("leading");
    assertThat(role.checkWritable(0, 4)).isEqualTo(4);
  }

  @Test
  void aLeaseLostAfterThePrepareHoldsThroughThatTermsLeadership() {
    // Lost once the replica was in term 4: a control plane may have chosen it before the loss and
    // may move the partition again; only term 5 is known to come after it.
    ReplicaRole role = servingLeader(3);
    role.prepare(4);
    role.suspendWrites();
    role.lead(4);
    assertThat(role.writable()).isFalse();
    assertThat(role.replicaState()).isEqualTo("suspended");
    role.prepare(5);
    role.lead(5);
    assertThat(role.writable()).isTrue();
  }

  @Test
  void aSuspendedFollowerLeadsALaterTermWithWrites() {
    ReplicaRole role = new ReplicaRole();
    role.setState(PartitionState.NORMAL);
    role.follow(2, "127.0.0.1:1");
    role.suspendWrites();
    role.lead(3);
    assertThat(role.writable()).isTrue();
  }
}
