package io.floe.dataplane.partition;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's memory limit for table data, shared by all its partitions. Writes reserve their
 * estimated bytes before applying and fail with {@code MEMORY_LIMIT} when that would cross the
 * limit; reads never reserve, so they keep working on a full node.
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
