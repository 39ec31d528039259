package io.floe.dataplane.replication;

import io.floe.dataplane.wal.WalEntry;
import java.util.Arrays;

/**
 * Entries of dense offsets, oldest first, with access by offset in constant time and the running
 * byte count that backlog checks read without walking: the tail of {@link ReplicaLog}. Not
 * thread-safe.
 */
final class EntryRing {
  private WalEntry[] entries = new WalEntry[64];

  /** Bytes of every entry added since the last clear, up to and including the one at the slot. */
  private long[] cumulative = new long[64];

  /** When each entry was added ({@link System#nanoTime}), for the replication lag. */
  private long[] addedNanos = new long[64];

  private int head;
  private int size;
  private long bytesAdded;
  private long bytesRemoved;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long bytes() {
    return bytesAdded - bytesRemoved;
  }

  long firstOffset() {
    return entries[head].offset();
  }

  long lastOffset() {
    return entries[slot(size - 1)].offset();
  }

  WalEntry first() {
    return entries[head];
  }

  /** The entry at {@code offset}, which MUST be between the first and last offsets held. */
  WalEntry at(long offset) {
    return entries[slot((int) (offset - firstOffset()))];
  }

  /** When the entry at {@code offset} (held) was added, on the {@link System#nanoTime} scale. */
  long addedNanos(long offset) {
    return addedNanos[slot((int) (offset - firstOffset()))];
  }

  /** Whether the entry at {@code offset} is held. */
  boolean holds(long offset) {
    return size > 0 && offset >= firstOffset() && offset <= lastOffset();
  }

  /** Bytes of the entries above {@code offset} (all held when it is below the first). */
  long bytesAbove(long offset) {
    if (size == 0 || offset >= lastOffset()) {
      return 0;
    }
    if (offset < firstOffset()) {
      return bytes();
    }
    return bytesAdded - cumulative[slot((int) (offset - firstOffset()))];
  }

  /**
   * Appends an entry whose offset follows the last one (or any, when empty), added at {@code
   * nanos}.
   */
  void add(WalEntry e, long nanos) {
    if (size == entries.length) {
      grow();
    }
    int s = slot(size);
    bytesAdded += e.size();
    entries[s] = e;
    cumulative[s] = bytesAdded;
    addedNanos[s] = nanos;
    size++;
  }

  WalEntry removeFirst() {
    WalEntry e = entries[head];
    entries[head] = null;
    bytesRemoved += e.size();
    head = (head + 1) % entries.length;
    size--;
    return e;
  }

  void clear() {
    Arrays.fill(entries, null);
    head = 0;
    size = 0;
    bytesAdded = 0;
    bytesRemoved = 0;
  }

  private int slot(int index) {
    return (head + index) % entries.length;
  }

  private void grow() {
    WalEntry[] e = new WalEntry[entries.length * 2];
    long[] c = new long[entries.length * 2];
    long[] a = new long[entries.length * 2];
    for (int i = 0; i < size; i++) {
      e[i] = entries[slot(i)];
      c[i] = cumulative[slot(i)];
      a[i] = addedNanos[slot(i)];
    }
    entries = e;
    cumulative = c;
    addedNanos = a;
    head = 0;
  }
}
