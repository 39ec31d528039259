package io.floe.dataplane.replication;

import io.floe.core.config.ConfigReader;
import io.floe.core.retry.ResilienceSettings;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code replication.*} settings (replication.md §3–§5).
 *
 * @param retainBytes shipped entries a leader keeps per partition to catch followers up from
 *     memory; also the bound on entries waiting for a majority
 * @param retainNodeBytes shipped entries kept over all the node's partitions together: with many
 *     partitions the per-partition bound alone would hold gigabytes
 * @param retainTime how long a shipped entry that no follower needs stays in a replica's tail (a
 *     follower a little behind at a leader change is caught up from memory within it); entries a
 *     follower has not acknowledged stay, within the byte bounds, however long
 * @param maxInflightBytes unanswered APPEND bytes per peer connection
 * @param maxFrameBytes bytes of entries per APPEND frame, about
 * @param heartbeat how often an idle partition tells each follower the commit and shipped offsets
 * @param handoverTimeout how long a hand-over waits for its target to catch up
 * @param answerTimeout how long a peer connection may leave an APPEND unanswered before it is
 *     opened again (a peer that reads and never answers would otherwise stall replication to it
 *     silently, the window of unanswered bytes never emptying)
 * @param retry back-off between attempts to open a peer connection ({@code replication.retry.*})
 * @param isolationTimeout how long a leader may hear from too few followers to make a majority
 *     before it reports itself {@code isolated} (replication.md §2), for the control plane to move
 *     the partition to replicas that can reach each other
 * @param sourceAddress the local address this node's replication connections leave from (empty: the
 *     system's choice), on a host with several, so that the links between nodes can be told from
 *     clients' links and routed or firewalled apart
 */
public record ReplicationSettings(
    long retainBytes,
    long retainNodeBytes,
    Duration retainTime,
    long maxInflightBytes,
    int maxFrameBytes,
    Duration heartbeat,
    Duration handoverTimeout,
    Duration answerTimeout,
    ResilienceSettings retry,
    Duration isolationTimeout,
    String sourceAddress) {

  public static final String RETAIN_BYTES = "replication.retain-bytes";
  public static final long RETAIN_BYTES_DEFAULT = 64L << 20;
  public static final String RETAIN_NODE_BYTES = "replication.retain-node-bytes";
  public static final long RETAIN_NODE_BYTES_DEFAULT = 256L << 20;
  public static final String RETAIN_TIME = "replication.retain-time";
  public static final Duration RETAIN_TIME_DEFAULT = Duration.ofSeconds(1);
  public static final String MAX_INFLIGHT_BYTES = "replication.max-inflight-bytes";
  public static final long MAX_INFLIGHT_BYTES_DEFAULT = 8L << 20;
  public static final String HEARTBEAT = "replication.heartbeat-interval";
  public static final Duration HEARTBEAT_DEFAULT = Duration.ofMillis(100);
  public static final String HANDOVER_TIMEOUT = "replication.handover-timeout";
  public static final Duration HANDOVER_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
  public static final String ANSWER_TIMEOUT = "replication.answer-timeout";
  public static final Duration ANSWER_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
  public static final String RETRY_SCOPE = "replication";
  public static final String ISOLATION_TIMEOUT = "replication.isolation-timeout";
  public static final Duration ISOLATION_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
  public static final String SOURCE_ADDRESS = "replication.source-address";

  /** A peer is dialled again and again while it is assigned: 50 ms growing to 1 s. */
  public static final ResilienceSettings RETRY_DEFAULT =
      ResilienceSettings.retryOnly(
          Integer.MAX_VALUE, Duration.ofMillis(50), Duration.ofSeconds(1), 0.2);

  /** Entries per APPEND frame, about: well under a frame's 16 MiB. */
  static final int FRAME_BYTES = 1 << 20;

  public ReplicationSettings {
    if (retainBytes < 1 || retainNodeBytes < 0 || maxInflightBytes < 1) {
      throw new IllegalArgumentException(
          RETAIN_BYTES
              + " and "
              + MAX_INFLIGHT_BYTES
              + " must be positive, "
              + RETAIN_NODE_BYTES
              + " not negative");
    }
    if (retainTime.isNegative()) {
      throw new IllegalArgumentException(RETAIN_TIME + " must not be negative");
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException(HEARTBEAT + " must be positive");
    }
    if (answerTimeout.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException(ANSWER_TIMEOUT + " must be longer than " + HEARTBEAT);
    }
    if (isolationTimeout.compareTo(heartbeat.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException(
          ISOLATION_TIMEOUT + " must be longer than two " + HEARTBEAT + "s");
    }
    sourceAddress = sourceAddress == null ? "" : sourceAddress.trim();
  }

  public static ReplicationSettings defaults() {
    return from(new Properties());
  }

  public static ReplicationSettings from(Properties p) {
    ConfigReader c = ConfigReader.of(p);
    return new ReplicationSettings(
        c.size(RETAIN_BYTES, RETAIN_BYTES_DEFAULT),
        c.size(RETAIN_NODE_BYTES, RETAIN_NODE_BYTES_DEFAULT),
        c.duration(RETAIN_TIME, RETAIN_TIME_DEFAULT),
        c.size(MAX_INFLIGHT_BYTES, MAX_INFLIGHT_BYTES_DEFAULT),
        FRAME_BYTES,
        c.duration(HEARTBEAT, HEARTBEAT_DEFAULT),
        c.duration(HANDOVER_TIMEOUT, HANDOVER_TIMEOUT_DEFAULT),
        c.duration(ANSWER_TIMEOUT, ANSWER_TIMEOUT_DEFAULT),
        ResilienceSettings.fromProperties(c, RETRY_SCOPE, RETRY_DEFAULT),
        c.duration(ISOLATION_TIMEOUT, ISOLATION_TIMEOUT_DEFAULT),
        p.getProperty(SOURCE_ADDRESS, ""));
  }
}
