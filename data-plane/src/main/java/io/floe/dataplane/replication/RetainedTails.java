package io.floe.dataplane.replication;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The shipped entries all of a node's replica logs hold, counted together against {@code
 * replication.retain-node-bytes}: each log keeps up to {@code replication.retain-bytes} of them to
 * catch followers up from memory, but a node with many busy partitions would otherwise hold that
 * much for every one of them and run out of heap. Over the bound, a log that is written to drops
 * its oldest shipped entries first (a follower that needed them reloads from S3).
 */
public final class RetainedTails {
  private final long limit;
  private final AtomicLong held = new AtomicLong();

  public RetainedTails(long limit) {
    this.limit = limit;
  }

  /** No bound beyond each log's own. */
  public static RetainedTails unbounded() {
    return new RetainedTails(Long.MAX_VALUE);
  }

  long limit() {
    return limit;
  }

  /** Bytes of shipped entries held by every log of the node. */
  public long held() {
    return held.get();
  }

  void add(long bytes) {
    held.addAndGet(bytes);
  }
}
