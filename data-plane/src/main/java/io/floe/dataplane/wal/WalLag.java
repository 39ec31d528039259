package io.floe.dataplane.wal;

/**
 * The lag of shipped writes from append to durable (the create-if-absent of the object holding them
 * returned), as the WAL shipper measured it: since the start, entries shipped and the sum of their
 * lags; over the last {@code wal-stats} window ({@link WalShipperSettings#statsInterval()}), the
 * p99 (within 6.25 %) and the max. The window's figures stay until the next window closes, which
 * needs a flush: 0 before the first.
 */
public record WalLag(
    long entries, long totalMicros, long lastWindowP99Micros, long lastWindowMaxMicros) {}
