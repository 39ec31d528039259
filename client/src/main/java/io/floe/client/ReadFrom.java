package io.floe.client;

/**
 * Which replica answers a read ({@code replication.md} §9). {@link #LEADER}, the default, sees
 * every acknowledged write. {@link #FOLLOWER} spreads reads over the replicas: a follower answers
 * from what it has applied, which may be behind the leader by the replication lag, and never goes
 * back in time on one replica.
 */
public enum ReadFrom {
  LEADER,
  FOLLOWER
}
