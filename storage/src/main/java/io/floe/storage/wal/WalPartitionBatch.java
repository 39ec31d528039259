package io.floe.storage.wal;

import java.util.List;

/**
 * The new entries of one partition for one WAL object, in offset order. The encoder cuts a new
 * block wherever the term changes, so a batch may span a leader's term change.
 */
public record WalPartitionBatch(long tableId, int partitionId, List<WalEntry> entries) {
  public WalPartitionBatch {
    entries = List.copyOf(entries);
  }
}
