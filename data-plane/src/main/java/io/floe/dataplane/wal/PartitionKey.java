package io.floe.dataplane.wal;

/** A table partition, as the WAL and manifests name it. */
public record PartitionKey(long tableId, int partitionId) {}
