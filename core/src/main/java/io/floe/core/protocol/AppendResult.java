package io.floe.core.protocol;

import java.util.Objects;

/**
 * A follower's answer to one block of an APPEND ({@code replication.md} §4.2), in the block's
 * order: what it made of the block, its term for the partition and its applied offset after it
 * (cumulative, so a lost answer is made good by the next one).
 */
public record AppendResult(long tableId, int partition, AppendCode code, long term, long offset) {
  public AppendResult {
    Objects.requireNonNull(code, "code");
  }
}
