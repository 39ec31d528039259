package io.floe.dataplane.partition;

/** A row read from a partition with its key and the offset and timestamp that wrote it. */
public record KeyedRow(byte[] key, byte[] row, long offset, long timestamp) {}
