package io.floe.controlplane;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one control-plane replica needs to run: the cluster it governs (its etcd and key prefix),
 * how other replicas and clients reach it, and the failure detector's timings.
 *
 * @param advertisedUrl this replica's base URL, named to clients in {@code NOT_LEADER} problems
 * @param heartbeatInterval how often the leader pings every data node
 * @param deadAfter how long a node may go without answering a ping before it is declared dead
 * @param operationThreads operations run at once (one per partition at a time)
 * @param catalogInterval how often the leader checks that the catalog in S3 matches etcd (it is
 *     also written after every DDL)
 */
public record ControlPlaneSettings(
    String cluster,
    List<String> etcdEndpoints,
    String advertisedUrl,
    Duration heartbeatInterval,
    Duration deadAfter,
    int operationThreads,
    Duration catalogInterval) {

  public static final Duration HEARTBEAT_INTERVAL_DEFAULT = Duration.ofMillis(200);
  public static final Duration DEAD_AFTER_DEFAULT = Duration.ofSeconds(1);
  public static final Duration CATALOG_INTERVAL_DEFAULT = Duration.ofSeconds(30);

  public ControlPlaneSettings {
    Objects.requireNonNull(cluster, "cluster");
    etcdEndpoints = List.copyOf(etcdEndpoints);
    if (etcdEndpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "floe.etcd.endpoints: at least one etcd endpoint is needed");
    }
    Objects.requireNonNull(advertisedUrl, "advertisedUrl");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("floe.failover.heartbeat-interval must be positive");
    }
    if (deadAfter.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException(
          "floe.failover.dead-after ("
              + deadAfter
              + ") must be longer than floe.failover.heartbeat-interval ("
              + heartbeatInterval
              + ")");
    }
    if (operationThreads < 1) {
      throw new IllegalArgumentException("floe.operations.threads must be at least 1");
    }
    if (catalogInterval.isNegative() || catalogInterval.isZero()) {
      throw new IllegalArgumentException("floe.catalog.check-interval must be positive");
    }
  }
}
