package io.floe.loadtests.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Append-only numbered slots of ops that many threads fill without a shared lock: a fixed directory
 * of chunks allocated on first use, so a run of millions of ops costs one reference per op beyond
 * the ops themselves and never copies them.
 */
final class OpSlots {
  private static final int CHUNK_BITS = 16;
  private static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  private static final int MAX_CHUNKS = 1 << 15;

  private final AtomicReferenceArray<AtomicReferenceArray<Op>> chunks =
      new AtomicReferenceArray<>(MAX_CHUNKS);
  private final AtomicLong reserved = new AtomicLong();

  /** The number of the next slot; {@link #set} must fill it. */
  long reserve() {
    long index = reserved.getAndIncrement();
    if (index >= (long) MAX_CHUNKS * CHUNK_SIZE) {
      throw new IllegalStateException("history is full at " + index + " ops; record shorter runs");
    }
    return index;
  }

  void set(long index, Op op) {
    chunk(index).set(offset(index), op);
  }

  /** Replaces the slot's op if it is still {@code expected}; false if another op replaced it. */
  boolean replace(long index, Op expected, Op op) {
    return chunk(index).compareAndSet(offset(index), expected, op);
  }

  /** The filled slots in order; a slot reserved but not yet filled is left out. */
  List<Op> snapshot() {
    long size = reserved.get();
    List<Op> out = new ArrayList<>((int) Math.min(size, Integer.MAX_VALUE - 8));
    for (long i = 0; i < size; i++) {
      Op op = chunk(i).get(offset(i));
      if (op != null) {
        out.add(op);
      }
    }
    return out;
  }

  private AtomicReferenceArray<Op> chunk(long index) {
    int number = (int) (index >>> CHUNK_BITS);
    AtomicReferenceArray<Op> chunk = chunks.get(number);
    if (chunk == null) {
      // Racing threads may each allocate one; the first to publish wins, the rest are garbage.
      chunks.compareAndSet(number, null, new AtomicReferenceArray<>(CHUNK_SIZE));
      chunk = chunks.get(number);
    }
    return chunk;
  }

  private static int offset(long index) {
    return (int) (index & (CHUNK_SIZE - 1));
  }
}
