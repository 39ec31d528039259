package io.floe.dataplane.partition;

import java.util.concurrent.CompletableFuture;

/**
 * The offsets a group of writes got, in order, and a future completing when the last of them (and
 * so all of them) is durable per the table's mode.
 */
public record AppliedWrites(long[] offsets, long lastTimestamp, CompletableFuture<Void> durable) {}
