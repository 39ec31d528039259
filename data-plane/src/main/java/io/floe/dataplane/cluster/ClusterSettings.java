package io.floe.dataplane.cluster;

import io.floe.core.config.ConfigReader;
import io.floe.core.retry.ResilienceSettings;
import io.floe.storage.meta.MetaStoreConfig;
import java.time.Duration;
import java.util.Map;

/**
 * How a data node takes part in a cluster through etcd: the cluster it belongs to, the TTL of its
 * lease, how often it publishes partition status, how many replicas it loads at once, and how it
 * backs off between tries of what must eventually work (registering and reading etcd: {@code
 * etcd.retry.*}; loading a replica that failed: {@code node.replica.retry.*}). Keys and defaults
 * side by side; durations as {@code 10s}, {@code 500ms}.
 */
public record ClusterSettings(
    String cluster,
    Duration leaseTtl,
    Duration statusInterval,
    int loadParallelism,
    ResilienceSettings etcdRetry,
    ResilienceSettings replicaRetry) {

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

  /** How many assigned replicas load (from S3) at the same time. */
  public static final String LOAD_PARALLELISM = "node.load-parallelism";

  public static final int LOAD_PARALLELISM_DEFAULT = 4;

  /** Scope of the backoff between loads of a replica that failed to load (1 s to 30 s). */
  public static final String REPLICA_RETRY_SCOPE = "node.replica";

  public static final ResilienceSettings REPLICA_RETRY_DEFAULT =
      ResilienceSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  public ClusterSettings {
    if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException(LEASE_TTL + " must be at least 2s, not " + leaseTtl);
    }
    if (statusInterval.isZero() || statusInterval.isNegative()) {
      throw new IllegalArgumentException(STATUS_INTERVAL + " must be positive");
    }
    if (loadParallelism < 1) {
      throw new IllegalArgumentException(
          LOAD_PARALLELISM + " must be at least 1, not " + loadParallelism);
    }
  }

  /** The defaults of everything but these three. */
  public ClusterSettings(String cluster, Duration leaseTtl, Duration statusInterval) {
    this(
        cluster,
        leaseTtl,
        statusInterval,
        LOAD_PARALLELISM_DEFAULT,
        MetaStoreConfig.RETRY_DEFAULT,
        REPLICA_RETRY_DEFAULT);
  }

  public static ClusterSettings fromMap(Map<String, String> settings) {
    ConfigReader config = new ConfigReader(settings);
    return new ClusterSettings(
        settings.getOrDefault(CLUSTER, CLUSTER_DEFAULT),
        duration(settings, LEASE_TTL, LEASE_TTL_DEFAULT),
        duration(settings, STATUS_INTERVAL, STATUS_INTERVAL_DEFAULT),
        config.integer(LOAD_PARALLELISM, LOAD_PARALLELISM_DEFAULT),
        ResilienceSettings.fromProperties(
            config, MetaStoreConfig.RETRY_SCOPE, MetaStoreConfig.RETRY_DEFAULT),
        ResilienceSettings.fromProperties(config, REPLICA_RETRY_SCOPE, REPLICA_RETRY_DEFAULT));
  }

  private static Duration duration(Map<String, String> settings, String key, Duration fallback) {
    String text = settings.get(key);
    return text == null ? fallback : MetaStoreConfig.parseDurationSetting(key, text);
  }
}
