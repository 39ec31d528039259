package io.floe.dataplane.partition;

import io.floe.dataplane.partition.RowIndex.HashedKey;
import io.floe.dataplane.wal.WalEntry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loading partition has read so far (snapshot rows, then WAL entries in offset order), kept
 * as the last write of each key in a hash map and installed into the partition at once: a reload
 * replays far more writes than it keeps rows, and a hash put costs a fraction of a skip-list
 * insert, whose index is then built once, in linear time, from the sorted survivors. Memory is
 * reserved from the node's budget as keys arrive, so a load that does not fit fails with {@code
 * MEMORY_LIMIT} instead of exhausting the heap. Used by one loading thread.
 *
 * <p>In a table with a TTL an expired row is never installed (spec.md §14.9): a put already expired
 * when the load started is dropped as it is read, with every older version of its key (older
 * still), and whatever expired while the load ran is dropped when it is installed.
 */
public final class LoadBuffer {
  private final Partition partition;
  private final MemoryBudget budget;

  /** Puts written at or before this timestamp had expired when the load started. */
  private final long expiredUpTo;

  private final HashMap<HashedKey, Version> rows = new HashMap<>();
  private long offset;
  private long lastTerm;
  // The last entry replayed, whole, while it is the last thing read (a snapshot's end clears it).
  private long lastReplayed = -1;
  private long lastTimestamp;
  private byte[] lastKey;
  private byte[] lastRow;
  private long maxTimestamp;
  private long reserved;
  // Change in bytes not yet taken from the budget: settled every SETTLE_BYTES, not per entry.
  private long unsettled;

  /** How far the buffer may run ahead of the budget. */
  static final long SETTLE_BYTES = 1L << 20;

  LoadBuffer(Partition partition, MemoryBudget budget) {
    this.partition = partition;
    this.budget = budget;
    this.expiredUpTo = partition.expiry().horizon();
  }

  /** The offset of the last entry read (the snapshot's, after it). */
  public long offset() {
    return offset;
  }

  /** One row of the snapshot, with the offset and timestamp of its last write. */
  public void snapshotRow(long rowOffset, long timestamp, byte[] key, byte[] row) {
    put(key, new Version(rowOffset, timestamp, row, null));
  }

  /** Every row of the snapshot was read: it holds the partition exactly as of {@code offset}. */
  public void snapshotLoaded(long snapshotOffset, long snapshotTerm) {
    offset = snapshotOffset;
    lastTerm = snapshotTerm;
    lastReplayed = -1;
  }

  /** The entries replayed last belong to {@code term} (a WAL block's term). */
  public void termReached(long term) {
    lastTerm = term;
  }

  /** The term of the last entry read (0 when none). */
  public long lastTerm() {
    return lastTerm;
  }

  /**
   * One entry of the log (a null row deletes); entries MUST come in offset order without gaps.
   *
   * @throws IllegalStateException on a gap, naming both offsets
   */
  public void replay(long entryOffset, long timestamp, byte[] key, byte[] row) {
    if (entryOffset != offset + 1) {
      throw new IllegalStateException("offset " + entryOffset + " after " + offset);
    }
    put(key, new Version(entryOffset, timestamp, row, null));
    offset = entryOffset;
    lastReplayed = entryOffset;
    lastTimestamp = timestamp;
    lastKey = key;
    lastRow = row;
  }

  /** The row of {@code key} as read so far: null when absent or deleted. */
  public byte[] rowOf(byte[] key) {
    Version v = rows.get(new HashedKey(key));
    return v == null || v.deleted() ? null : v.row;
  }

  private void put(byte[] key, Version v) {
    maxTimestamp = Math.max(maxTimestamp, v.timestamp);
    if (!v.deleted() && v.timestamp <= expiredUpTo) {
      // Absent from now on, like a delete, and it needs no memory.
      Version old = rows.remove(new HashedKey(key));
      if (old != null) {
        unsettled -= Partition.KEY_OVERHEAD + key.length + old.bytes();
      }
      return;
    }
    Version old = rows.put(new HashedKey(key), v);
    unsettled += v.bytes() - (old == null ? -(Partition.KEY_OVERHEAD + key.length) : old.bytes());
    if (unsettled >= SETTLE_BYTES) {
      settle();
    }
  }

  /** Reserves (or gives back) what the rows read since the last settlement changed. */
  private void settle() {
    if (unsettled > 0) {
      budget.reserve(unsettled);
    } else {
      budget.release(-unsettled);
    }
    reserved += unsettled;
    unsettled = 0;
  }

  /**
   * Makes what was read the partition's content, at {@link #offset()}, without the deleted rows and
   * those expired by now.
   */
  public void install() {
    settle();
    byte[][] keys = new byte[rows.size()][];
    Version[] versions = new Version[rows.size()];
    int n = 0;
    long droppedBytes = 0;
    long expiredNow = partition.expiry().horizon();
    for (Map.Entry<HashedKey, Version> e : rows.entrySet()) {
      Version v = e.getValue();
      byte[] key = e.getKey().bytes;
      if (v.deleted() || v.timestamp <= expiredNow) {
        droppedBytes += Partition.KEY_OVERHEAD + key.length + v.bytes();
      } else {
        keys[n] = key;
        versions[n++] = v;
      }
    }
    rows.clear();
    keys = Arrays.copyOf(keys, n);
    int[] order = KeySort.order(keys);
    @SuppressWarnings("unchecked")
    Map.Entry<byte[], Version>[] live = new Map.Entry[n];
    for (int i = 0; i < n; i++) {
      live[i] = Map.entry(keys[order[i]], versions[order[i]]);
    }
    budget.release(droppedBytes);
    WalEntry last =
        lastReplayed == offset
            ? new WalEntry(
                partition.tableId(),
                partition.id(),
                offset,
                lastTerm,
                lastTimestamp,
                lastRow == null,
                lastKey,
                lastRow)
            : null;
    partition.install(
        new SortedEntries<>(List.of(live), live.length),
        offset,
        lastTerm,
        maxTimestamp,
        reserved - droppedBytes,
        last);
    reserved = 0;
  }

  /** Gives back what was reserved (a load that failed or is retried). */
  public void discard() {
    rows.clear();
    budget.release(reserved); // the unsettled change was never taken
    reserved = 0;
    unsettled = 0;
  }
}
