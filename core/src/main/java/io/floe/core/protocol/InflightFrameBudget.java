package io.floe.core.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of frames a node has begun but not finished receiving, across all its connections ({@code
 * data-protocol.md} §2.5). A frame that arrives in pieces holds its declared length from its header
 * until it is complete or its connection closes, so slow or hostile senders cannot make the node
 * buffer without bound.
 */
public final class InflightFrameBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public InflightFrameBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("in-flight frame budget must be positive, found " + limit);
    }
    this.limit = limit;
  }

  /** Takes {@code bytes} when they fit under the limit; returns false (taking nothing) if not. */
  public boolean tryReserve(long bytes) {
    while (true) {
      long current = used.get();
      if (current + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(current, current + bytes)) {
        return true;
      }
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
