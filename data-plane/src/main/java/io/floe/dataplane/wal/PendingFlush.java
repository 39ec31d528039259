package io.floe.dataplane.wal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The entries gathered for one WAL object, grouped by partition in arrival (offset) order, and the
 * one future every write in it waits on: group commit costs one future per object, not per write.
 */
final class PendingFlush {
  final Map<PartitionKey, List<WalEntry>> byPartition = new LinkedHashMap<>();
  final CompletableFuture<Void> durable = new CompletableFuture<>();
  long bytes;

  void add(WalEntry e) {
    byPartition
        .computeIfAbsent(new PartitionKey(e.tableId(), e.partition()), k -> new ArrayList<>())
        .add(e);
    bytes += sizeOf(e);
  }

  boolean isEmpty() {
    return byPartition.isEmpty();
  }

  static long sizeOf(WalEntry e) {
    return 41L + e.key().length + (e.row() == null ? 0 : e.row().length);
  }
}
