package io.floe.dataplane.wal;

/**
 * One applied write as the WAL records it: where it belongs (table id, partition), its place in the
 * partition's history (offset, term, hybrid timestamp) and its content. {@code row} is null for a
 * delete.
 */
public record WalEntry(
    long tableId,
    int partition,
    long offset,
    long term,
    long timestamp,
    boolean delete,
    byte[] key,
    byte[] row) {}
