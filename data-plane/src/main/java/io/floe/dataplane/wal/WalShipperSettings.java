package io.floe.dataplane.wal;

import io.floe.core.config.ConfigReader;
import io.floe.core.retry.ResilienceSettings;
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
    ResilienceSettings retry,
    Duration closeTimeout,
    Duration statsInterval,
    Duration sealCheckInterval) {
  public static final String FLUSH_INTERVAL = "wal.flush-interval";

  /** 200 ms: at most 5 PUTs/s at steady state, the budget DESIGN.md sets. */
  public static final Duration FLUSH_INTERVAL_DEFAULT = Duration.ofMillis(200);

  public static final String FLUSH_BYTES = "wal.flush-bytes";
  public static final long FLUSH_BYTES_DEFAULT = 32L << 20;
  public static final String MAX_UNSHIPPED_BYTES = "wal.max-unshipped-bytes";
  public static final long MAX_UNSHIPPED_BYTES_DEFAULT = 256L << 20;

  /**
   * How a failed WAL PUT is retried: {@code wal.retry.*} keys of {@link ResilienceSettings}. A PUT
   * is retried (same bytes, same sequence) until it lands, the stream is found sealed or the
   * shipper closes, so attempts are unlimited by default; the object store's own breaker already
   * guards S3, so this policy has none. Each attempt is one call of the store, with its own retry.
   */
  public static final String RETRY_SCOPE = "wal";

  public static final ResilienceSettings RETRY_DEFAULT =
      ResilienceSettings.retryOnly(
          Integer.MAX_VALUE, Duration.ofMillis(50), Duration.ofSeconds(2), 0.2);
  public static final String CLOSE_TIMEOUT = "wal.close-timeout";
  public static final Duration CLOSE_TIMEOUT_DEFAULT = Duration.ofSeconds(30);

  /**
   * How often the shipper logs its {@code wal-stats} line (PUTs/s, bytes, lag to durable) while it
   * ships; benchmarks shorten it to see phases of a few seconds.
   */
  public static final String STATS_INTERVAL = "wal.stats-interval";

  public static final Duration STATS_INTERVAL_DEFAULT = Duration.ofSeconds(5);

  /**
   * How often an idle shipper looks for a seal at its next sequence (one HEAD): a newer leader that
   * sealed the stream while nothing was being written (this node paused, cut off) is found within
   * this time rather than at the next write. A busy shipper finds it with its next PUT.
   */
  public static final String SEAL_CHECK_INTERVAL = "wal.seal-check-interval";

  public static final Duration SEAL_CHECK_INTERVAL_DEFAULT = Duration.ofSeconds(2);

  public WalShipperSettings {
    if (flushInterval.isNegative() || flushInterval.isZero() || flushBytes < 1) {
      throw new IllegalArgumentException("wal flush interval and bytes must be positive");
    }
    if (sealCheckInterval.isNegative() || sealCheckInterval.isZero()) {
      throw new IllegalArgumentException(SEAL_CHECK_INTERVAL + " must be positive");
    }
    if (maxUnshippedBytes < flushBytes) {
      throw new IllegalArgumentException(MAX_UNSHIPPED_BYTES + " below " + FLUSH_BYTES);
    }
  }

  public static WalShipperSettings defaults() {
    return from(new Properties());
  }

  public static WalShipperSettings from(Properties p) {
    ConfigReader c = ConfigReader.of(p);
    return new WalShipperSettings(
        c.duration(FLUSH_INTERVAL, FLUSH_INTERVAL_DEFAULT),
        c.size(FLUSH_BYTES, FLUSH_BYTES_DEFAULT),
        c.size(MAX_UNSHIPPED_BYTES, MAX_UNSHIPPED_BYTES_DEFAULT),
        ResilienceSettings.fromProperties(c, RETRY_SCOPE, RETRY_DEFAULT),
        c.duration(CLOSE_TIMEOUT, CLOSE_TIMEOUT_DEFAULT),
        c.duration(STATS_INTERVAL, STATS_INTERVAL_DEFAULT),
        c.duration(SEAL_CHECK_INTERVAL, SEAL_CHECK_INTERVAL_DEFAULT));
  }

  public WalShipperSettings withFlushInterval(Duration interval) {
    return new WalShipperSettings(
        interval,
        flushBytes,
        maxUnshippedBytes,
        retry,
        closeTimeout,
        statsInterval,
        sealCheckInterval);
  }

  public WalShipperSettings withMaxUnshippedBytes(long flush, long max) {
    return new WalShipperSettings(
        flushInterval, flush, max, retry, closeTimeout, statsInterval, sealCheckInterval);
  }

  public WalShipperSettings withStatsInterval(Duration interval) {
    return new WalShipperSettings(
        flushInterval,
        flushBytes,
        maxUnshippedBytes,
        retry,
        closeTimeout,
        interval,
        sealCheckInterval);
  }

  public WalShipperSettings withSealCheckInterval(Duration interval) {
    return new WalShipperSettings(
        flushInterval, flushBytes, maxUnshippedBytes, retry, closeTimeout, statsInterval, interval);
  }
}
