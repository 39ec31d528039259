package io.floe.dataplane.partition;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The partition's rows exactly as of {@link #offset()}, in key order, readable while writes go on:
 * what a snapshot writer iterates. Every row it yields was written at or before the offset and is
 * the newest such version of its key. In a table with a TTL it holds the rows as of its cut instant
 * (the timestamp of the write at its offset, spec.md §14.8): rows expired then are left out, rows
 * live then are yielded even if they expire while the view is read. Close it when done.
 */
public final class PartitionView implements AutoCloseable, Iterable<KeyedRow> {
  private final Partition partition;
  private final long offset;

  /** Rows last written at or before this timestamp had expired at the cut. */
  private final long expiredUpTo;

  private final RowIndex rows;
  private boolean closed;

  PartitionView(Partition partition, long offset, long expiredUpTo, RowIndex rows) {
    this.partition = partition;
    this.offset = offset;
    this.expiredUpTo = expiredUpTo;
    this.rows = rows;
  }

  public long offset() {
    return offset;
  }

  /** The row of {@code key} as of the view's offset, or null. */
  public byte[] get(byte[] key) {
    Version head = rows.get(key);
    Version v = head == null ? null : head.asOf(offset);
    return v == null || v.timestamp <= expiredUpTo ? null : v.row;
  }

  @Override
  public Iterator<KeyedRow> iterator() {
    Iterator<RowIndex.Slot> slots = rows.all();
    return new Iterator<>() {
      private KeyedRow next = advance();

      private KeyedRow advance() {
        while (slots.hasNext()) {
          RowIndex.Slot s = slots.next();
          Version head = s.head;
          Version v = head == null ? null : head.asOf(offset);
          if (v != null && !v.deleted() && v.timestamp > expiredUpTo) {
            return new KeyedRow(s.bytes, v.row, v.offset, v.timestamp);
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public KeyedRow next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        KeyedRow current = next;
        next = advance();
        return current;
      }
    };
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      partition.closeView(offset);
    }
  }
}
