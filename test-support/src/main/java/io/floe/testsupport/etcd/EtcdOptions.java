package io.floe.testsupport.etcd;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to start one etcd member: its name, loopback ports, data directory and the cluster it belongs
 * to. {@link #single()} gives a one-member cluster on free ports with a temporary data directory;
 * the local-run launcher uses {@link #single(Path, int, int)} for fixed ones.
 */
public record EtcdOptions(
    String name, int clientPort, int peerPort, Path dataDir, String initialCluster) {

  /**
   * etcd keeps every revision of every key until someone compacts it, and stops taking writes at
   * its 2 GiB quota: a member compacts its history older than this itself (periodic mode). Floe
   * needs no history older than a watch's last progress notification (below), so any deployment's
   * etcd must run with a retention well above that interval.
   */
  public static final String COMPACTION_RETENTION = "5m";

  /**
   * How often etcd tells a caught-up watch its current revision, so a watch on a quiet prefix can
   * resume after a disconnect from a revision not yet compacted away (etcd's default is 10 min).
   */
  public static final String WATCH_PROGRESS_INTERVAL = "1s";

  public EtcdOptions {
    Objects.requireNonNull(name, "name");
    if (clientPort <= 0 || peerPort <= 0) {
      throw new IllegalArgumentException("ports must be positive: " + clientPort + ", " + peerPort);
    }
  }

  /** A one-member cluster on free ports with a temporary data directory deleted at close. */
  public static EtcdOptions single() {
    return single(null, FreePorts.next(), FreePorts.next());
  }

  /** A one-member cluster with a given data directory (kept at close) and ports. */
  public static EtcdOptions single(Path dataDir, int clientPort, int peerPort) {
    return new EtcdOptions("n1", clientPort, peerPort, dataDir, "n1=" + peerUrl(peerPort));
  }

  String peerUrl() {
    return peerUrl(peerPort);
  }

  static String peerUrl(int port) {
    return "http://127.0.0.1:" + port;
  }

  List<String> arguments(Path dir) {
    String client = "http://127.0.0.1:" + clientPort;
    return List.of(
        "--name",
        name,
        "--data-dir",
        dir.toString(),
        "--listen-client-urls",
        client,
        "--advertise-client-urls",
        client,
        "--listen-peer-urls",
        peerUrl(),
        "--initial-advertise-peer-urls",
        peerUrl(),
        "--initial-cluster",
        initialCluster,
        "--initial-cluster-state",
        "new",
        "--initial-cluster-token",
        "floe-" + initialCluster.hashCode(),
        "--auto-compaction-mode",
        "periodic",
        "--auto-compaction-retention",
        COMPACTION_RETENTION,
        "--experimental-watch-progress-notify-interval",
        WATCH_PROGRESS_INTERVAL);
  }
}
