package io.floe.storage.snapshot;

import io.floe.core.table.Row;

/**
 * One row of a snapshot with its hidden columns: the offset and HLC timestamp (µs) of its last
 * write.
 */
public record SnapshotRecord(Row row, long offset, long timestamp) {}
