package io.floe.dataplane.wal;

import java.util.Locale;

/**
 * What the WAL shipper did over one stats window: S3 PUT requests, objects and bytes written, and
 * for every entry shipped its lag from append (when a write is applied — and, in {@code memory}
 * mode, acknowledged) to durable (when the create-if-absent of the object holding it returned).
 * Kept by the flusher thread alone; {@link #line} renders the {@code wal-stats} log line, one
 * {@code key=value} per field so that tools can read it.
 *
 * <p>For the metrics it also keeps, since the start, the entries shipped and the sum of their lags,
 * and the last closed window's p99 and max: written by the flusher once per object or window, read
 * by any thread ({@link #lag}).
 */
final class WalStatsWindow {
  private final LagHistogram lagMicros = new LagHistogram();
  private long startNanos;
  private long startPuts;
  private long objects;
  private long bytes;
  private volatile long entriesTotal;
  private volatile long lagMicrosTotal;
  private volatile long lastP99Micros;
  private volatile long lastMaxMicros;

  WalStatsWindow(long nowNanos) {
    this.startNanos = nowNanos;
  }

  /** One object in S3 at {@code durableNanos}, holding entries appended at the given times. */
  void shipped(int objectBytes, long[] appendNanos, int entries, long durableNanos) {
    objects++;
    bytes += objectBytes;
    long sum = 0;
    for (int i = 0; i < entries; i++) {
      long lag = Math.max(0, (durableNanos - appendNanos[i]) / 1000);
      lagMicros.record(lag);
      sum += lag;
    }
    entriesTotal += entries;
    lagMicrosTotal += sum;
  }

  /** The lag to durable since the start, and over the last window {@link #line} closed. */
  WalLag lag() {
    return new WalLag(entriesTotal, lagMicrosTotal, lastP99Micros, lastMaxMicros);
  }

  boolean isDue(long nowNanos, long intervalNanos) {
    return nowNanos - startNanos >= intervalNanos;
  }

  /** The window's line, given the shipper's PUT counter now; then starts the next window. */
  String line(long nowNanos, long putRequests, long epochMillis) {
    double seconds = (nowNanos - startNanos) / 1e9;
    long puts = putRequests - startPuts;
    String line =
        String.format(
            Locale.ROOT,
            "wal-stats at-ms=%d window-ms=%d puts=%d puts-per-s=%.2f objects=%d bytes=%d"
                + " entries=%d lag-us-p50=%d lag-us-p99=%d lag-us-max=%d",
            epochMillis,
            Math.round(seconds * 1000),
            puts,
            puts / seconds,
            objects,
            bytes,
            lagMicros.count(),
            lagMicros.percentile(0.50),
            lagMicros.percentile(0.99),
            lagMicros.max());
    lastP99Micros = lagMicros.percentile(0.99);
    lastMaxMicros = lagMicros.max();
    startNanos = nowNanos;
    startPuts = putRequests;
    objects = 0;
    bytes = 0;
    lagMicros.reset();
    return line;
  }
}
