package io.floe.dataplane.partition;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's memory limit for table data, shared by all its partitions. Writes reserve their
 * estimated bytes before applying and fail with {@code MEMORY_LIMIT} when that would cross the
 * limit; reads never reserve, so they keep working on a full node, and deletes are never refused.
 */
public final class MemoryBudget {
  public static final String MEMORY_LIMIT = "node.memory-limit-bytes";
  public static final long MEMORY_LIMIT_DEFAULT = Runtime.getRuntime().maxMemory() / 2;

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public MemoryBudget(long limit) {
    this.limit = limit;
  }

  /** Reserves {@code bytes} or throws {@code MEMORY_LIMIT} leaving the budget unchanged. */
  public void reserve(long bytes) {
    long after = used.addAndGet(bytes);
    if (after > limit && bytes > 0) {
      used.addAndGet(-bytes);
      throw new FloeRequestException(
          ErrorCode.MEMORY_LIMIT,
          "node memory limit of " + limit + " bytes reached (" + (after - bytes) + " used)");
    }
  }

  /**
   * Reserves without checking the limit: for deletes, which may need a tombstone while a view is
   * open but are the way out of a full node, so they are never refused.
   */
  public void forceReserve(long bytes) {
    used.addAndGet(bytes);
  }

  /** Reserves what the writes may need: checked against the limit unless all are deletes. */
  public void reserveFor(java.util.List<PartitionWrite> writes, long bytes) {
    for (PartitionWrite w : writes) {
      if (!w.delete()) {
        reserve(bytes);
        return;
      }
    }
    forceReserve(bytes);
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
