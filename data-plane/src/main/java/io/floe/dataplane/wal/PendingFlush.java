package io.floe.dataplane.wal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The entries gathered for one WAL object, grouped by partition in arrival (offset) order, and the
 * one future every write in it waits on: group commit costs one future per object, not per write.
 * It also keeps when each entry was appended ({@link System#nanoTime}), for the lag to durable; the
 * flusher hands that array on to the next flush, so it is not reallocated at steady state.
 */
final class PendingFlush {
  final Map<PartitionKey, List<WalEntry>> byPartition = new LinkedHashMap<>();
  final CompletableFuture<Void> durable = new CompletableFuture<>();
  long bytes;
  long[] appendNanos;
  int entries;

  PendingFlush() {
    this(new long[1024]);
  }

  PendingFlush(long[] appendNanos) {
    this.appendNanos = appendNanos;
  }

  void add(WalEntry e, long appendedAtNanos) {
    byPartition
        .computeIfAbsent(new PartitionKey(e.tableId(), e.partition()), k -> new ArrayList<>())
        .add(e);
    bytes += sizeOf(e);
    if (entries == appendNanos.length) {
      appendNanos = java.util.Arrays.copyOf(appendNanos, entries * 2);
    }
    appendNanos[entries++] = appendedAtNanos;
  }

  boolean isEmpty() {
    return byPartition.isEmpty();
  }

  static long sizeOf(WalEntry e) {
    return 41L + e.key().length + (e.row() == null ? 0 : e.row().length);
  }
}
