package io.floe.dataplane.wal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The entries gathered for one WAL object in arrival order, and the one future every write in it
 * waits on: group commit costs one future per object, not per write. It also keeps when each entry
 * was appended ({@link System#nanoTime}), for the lag to durable.
 *
 * <p>Appending is kept to two array stores because it runs on the I/O threads under the shipper's
 * lock; grouping by partition ({@link #byPartition}) is left to the flusher thread. The flusher
 * hands both arrays on to a later flush, so they are not reallocated at steady state.
 */
final class PendingFlush {
  final CompletableFuture<Void> durable = new CompletableFuture<>();
  long bytes;
  WalEntry[] entryArray;
  long[] appendNanos;
  int entries;

  PendingFlush() {
    this(new WalEntry[1024], new long[1024]);
  }

  PendingFlush(WalEntry[] entryArray, long[] appendNanos) {
    this.entryArray = entryArray;
    this.appendNanos = appendNanos;
  }

  /** Adds an entry of {@link #sizeOf} {@code size} bytes. */
  void add(WalEntry e, long size, long appendedAtNanos) {
    if (entries == appendNanos.length) {
      appendNanos = Arrays.copyOf(appendNanos, entries * 2);
      entryArray = Arrays.copyOf(entryArray, entries * 2);
    }
    entryArray[entries] = e;
    appendNanos[entries++] = appendedAtNanos;
    bytes += size;
  }

  boolean isEmpty() {
    return entries == 0;
  }

  /**
   * The entries grouped by partition, partitions in order of first arrival, each partition's
   * entries in arrival order — which is offset order, since a partition appends under its lock.
   */
  Map<PartitionKey, List<WalEntry>> byPartition() {
    Map<PartitionKey, List<WalEntry>> groups = new LinkedHashMap<>();
    List<WalEntry> last = null;
    long lastTable = 0;
    int lastPartition = -1;
    for (int i = 0; i < entries; i++) {
      WalEntry e = entryArray[i];
      if (last == null || e.tableId() != lastTable || e.partition() != lastPartition) {
        lastTable = e.tableId();
        lastPartition = e.partition();
        last =
            groups.computeIfAbsent(
                new PartitionKey(lastTable, lastPartition), k -> new ArrayList<>());
      }
      last.add(e);
    }
    return groups;
  }

  /** Drops the references to the entries once shipped, so the array can be reused. */
  void clearEntries() {
    Arrays.fill(entryArray, 0, entries, null);
  }

  static long sizeOf(WalEntry e) {
    return e.size();
  }
}
