package io.floe.storage.object;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out the part buffers of streamed uploads and keeps count of the bytes they hold, so that
 * the memory bound of {@link ObjectStore#putStream} can be observed rather than assumed.
 */
final class PartBuffers {
  private final int partSize;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong highWater = new AtomicLong();

  PartBuffers(long partSize) {
    this.partSize = Math.toIntExact(partSize);
  }

  byte[] acquire() {
    long now = held.addAndGet(partSize);
    highWater.accumulateAndGet(now, Math::max);
    return new byte[partSize];
  }

  void release(byte[] buffer) {
    held.addAndGet(-buffer.length);
  }

  long held() {
    return held.get();
  }

  long highWater() {
    return highWater.get();
  }
}
