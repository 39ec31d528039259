package io.floe.core.partition;

/** What {@code gettablestatus} reports for one partition replica. */
public record PartitionStatus(
    int partition,
    PartitionState state,
    PartitionRole role,
    long term,
    long offset,
    long rowCount,
    long memoryBytes) {}
