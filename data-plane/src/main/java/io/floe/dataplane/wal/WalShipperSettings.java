package io.floe.dataplane.wal;

import java.time.Duration;
import java.util.Properties;

/**
 * How the WAL shipper batches and retries. The interval bounds both the S3 PUT rate (one object per
 * interval at most, whatever the partition count) and how long an {@code s3} write waits for its
 * group commit.
 */
public record WalShipperSettings(
    Duration flushInterval,
    long flushBytes,
    long maxUnshippedBytes,
    Duration retryMin,
    Duration retryMax,
    Duration closeTimeout) {
  public static final String FLUSH_INTERVAL = "wal.flush-interval-ms";

  /** 200 ms: at most 5 PUTs/s at steady state, the budget DESIGN.md sets. */
  public static final long FLUSH_INTERVAL_DEFAULT = 200;

  public static final String FLUSH_BYTES = "wal.flush-bytes";
  public static final long FLUSH_BYTES_DEFAULT = 8L << 20;
  public static final String MAX_UNSHIPPED_BYTES = "wal.max-unshipped-bytes";
  public static final long MAX_UNSHIPPED_BYTES_DEFAULT = 256L << 20;
  public static final String RETRY_MIN = "wal.retry-min-ms";
  public static final long RETRY_MIN_DEFAULT = 50;
  public static final String RETRY_MAX = "wal.retry-max-ms";
  public static final long RETRY_MAX_DEFAULT = 2_000;
  public static final String CLOSE_TIMEOUT = "wal.close-timeout-ms";
  public static final long CLOSE_TIMEOUT_DEFAULT = 30_000;

  public WalShipperSettings {
    if (flushInterval.isNegative() || flushInterval.isZero() || flushBytes < 1) {
      throw new IllegalArgumentException("wal flush interval and bytes must be positive");
    }
    if (maxUnshippedBytes < flushBytes) {
      throw new IllegalArgumentException(MAX_UNSHIPPED_BYTES + " below " + FLUSH_BYTES);
    }
  }

  public static WalShipperSettings defaults() {
    return from(new Properties());
  }

  public static WalShipperSettings from(Properties p) {
    return new WalShipperSettings(
        Duration.ofMillis(longOf(p, FLUSH_INTERVAL, FLUSH_INTERVAL_DEFAULT)),
        longOf(p, FLUSH_BYTES, FLUSH_BYTES_DEFAULT),
        longOf(p, MAX_UNSHIPPED_BYTES, MAX_UNSHIPPED_BYTES_DEFAULT),
        Duration.ofMillis(longOf(p, RETRY_MIN, RETRY_MIN_DEFAULT)),
        Duration.ofMillis(longOf(p, RETRY_MAX, RETRY_MAX_DEFAULT)),
        Duration.ofMillis(longOf(p, CLOSE_TIMEOUT, CLOSE_TIMEOUT_DEFAULT)));
  }

  public WalShipperSettings withFlushInterval(Duration interval) {
    return new WalShipperSettings(
        interval, flushBytes, maxUnshippedBytes, retryMin, retryMax, closeTimeout);
  }

  public WalShipperSettings withMaxUnshippedBytes(long flush, long max) {
    return new WalShipperSettings(flushInterval, flush, max, retryMin, retryMax, closeTimeout);
  }

  static long longOf(Properties p, String key, long fallback) {
    String value = p.getProperty(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: '" + value + "'", e);
    }
  }
}
