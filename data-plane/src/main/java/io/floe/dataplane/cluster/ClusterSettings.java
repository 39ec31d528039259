package io.floe.dataplane.cluster;

import io.floe.core.meta.MetaStoreConfig;
import java.time.Duration;
import java.util.Map;

/**
 * How a data node takes part in a cluster through etcd: the cluster it belongs to, the TTL of its
 * lease, how often it publishes partition status. Keys and defaults side by side; durations as
 * {@code 10s}, {@code 500ms}.
 */
public record ClusterSettings(String cluster, Duration leaseTtl, Duration statusInterval) {

  /** The cluster name: every key is under {@code /floe/{cluster}/}. */
  public static final String CLUSTER = "cluster.name";

  public static final String CLUSTER_DEFAULT = "floe";

  /**
   * TTL of the node's lease. The node stops taking writes {@code etcd.lease-safety-margin} before a
   * lease it cannot renew could expire on the server.
   */
  public static final String LEASE_TTL = "node.lease-ttl";

  public static final Duration LEASE_TTL_DEFAULT = Duration.ofSeconds(10);

  /** How often changed partition status is published (at most once per interval). */
  public static final String STATUS_INTERVAL = "node.status-interval";

  public static final Duration STATUS_INTERVAL_DEFAULT = Duration.ofSeconds(1);

  public ClusterSettings {
    if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException(LEASE_TTL + " must be at least 2s, not " + leaseTtl);
    }
    if (statusInterval.isZero() || statusInterval.isNegative()) {
      throw new IllegalArgumentException(STATUS_INTERVAL + " must be positive");
    }
  }

  public static ClusterSettings fromMap(Map<String, String> settings) {
    return new ClusterSettings(
        settings.getOrDefault(CLUSTER, CLUSTER_DEFAULT),
        duration(settings, LEASE_TTL, LEASE_TTL_DEFAULT),
        duration(settings, STATUS_INTERVAL, STATUS_INTERVAL_DEFAULT));
  }

  private static Duration duration(Map<String, String> settings, String key, Duration fallback) {
    String text = settings.get(key);
    return text == null ? fallback : MetaStoreConfig.parseDurationSetting(key, text);
  }
}
