package io.floe.core.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a leader sends a follower for one partition in an APPEND ({@code replication.md} §4.1): its
 * term and where that term started (so the follower can find a divergent suffix, §6.3), the offset
 * the entries follow, the commit and shipped offsets, and the entries themselves. A block without
 * entries is a heartbeat. A receiver refuses a frame whose entries do not follow {@code prevOffset}
 * densely ({@code prevOffset + 1, + 2, …}), so a decoded block always has them that way.
 *
 * @param flags bit 0 {@link #RELOAD}; bits not known here are kept and ignored (§11)
 * @param entries not copied (the hot path of replication): the caller must not change the list
 */
public record AppendBlock(
    long tableId,
    int partition,
    long term,
    long termStart,
    long prevOffset,
    long commitOffset,
    long shippedOffset,
    int flags,
    List<ReplicatedEntry> entries) {
  /** What the follower needs has left the leader's memory: it fills itself from S3 (§6.2). */
  public static final int RELOAD = 1;

  public AppendBlock {
    Objects.requireNonNull(entries, "entries");
    if (flags < 0 || flags > 0xFF) {
      throw new IllegalArgumentException("flags " + flags + " do not fit the u8 of the wire");
    }
  }

  public boolean reload() {
    return (flags & RELOAD) != 0;
  }

  /** No entries: it carries the offsets and lets either side learn the other's term. */
  public boolean heartbeat() {
    return entries.isEmpty();
  }

  /** The offset of the last entry, or {@code prevOffset} for a heartbeat. */
  public long lastOffset() {
    return prevOffset + entries.size();
  }
}
