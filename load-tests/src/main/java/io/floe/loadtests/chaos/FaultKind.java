package io.floe.loadtests.chaos;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The faults the harness injects (issue: load and fault harness, DESIGN.md §14). */
enum FaultKind {
  /** {@code kill -9} of a node that leads partitions; restarted once they are led elsewhere. */
  KILL_LEADER("kill -9 of a leader node, restarted after the failover"),
  /**
   * {@code kill -9} of a node that only follows: its leaderships are first handed over with {@code
   * offlineendpoint}; restarted and {@code recoverendpoint}ed. Writes must not stall.
   */
  KILL_FOLLOWER("kill -9 of a follower node (its leaderships handed over first)"),
  /** {@code kill -9} of the control plane that leads; restarted once the other one leads. */
  KILL_CONTROL_PLANE("kill -9 of the control-plane leader"),
  /** {@code SIGSTOP} of a leader node until its partitions are led elsewhere, then SIGCONT. */
  PAUSE_NODE("SIGSTOP of a leader node until failover, then SIGCONT"),
  /** A leader node's proxy blackholed: clients, peers and control planes cannot reach it. */
  CUT_NODE("a leader node cut off from clients, peers and control planes"),
  /**
   * The links between a leader node and the other nodes blackholed, both ways; clients, control
   * planes and etcd still reach it. It must be deposed where it cannot commit.
   */
  CUT_LEADER_FOLLOWERS("a leader node cut off from its followers only"),
  /** A leader node's links to every etcd member blackholed: its lease runs out. */
  CUT_NODE_ETCD("a leader node cut off from etcd"),
  /** {@code kill -9} of one etcd member, started again at once (same data). */
  RESTART_ETCD("kill -9 and restart of an etcd member"),
  /** Every S3 request answered 500 InternalError for a few seconds. */
  S3_ERRORS("S3 answers 500 for a few seconds"),
  /** Every S3 request answered 503 SlowDown for a few seconds. */
  S3_THROTTLE("S3 throttles (503 SlowDown) for a few seconds"),
  /** The next S3 requests held for most of a second each. */
  S3_SLOW("slow S3 responses (800 ms) for a burst of requests"),
  /**
   * The next S3 requests take effect but their answers are lost (the connection reset instead): a
   * WAL object or manifest that is there although its writer was told nothing.
   */
  S3_LOST_RESPONSES("S3 requests applied but their answers lost, for a burst of requests");

  private final String description;

  FaultKind(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  /** The name used on the command line and in reports: {@code kill-leader}. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a comma-separated list of labels, {@code all} for every kind. */
  static List<FaultKind> parse(String labels) {
    if (labels.equals("all")) {
      return List.of(values());
    }
    return Arrays.stream(labels.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(FaultKind::ofLabel)
        .toList();
  }

  static FaultKind ofLabel(String label) {
    for (FaultKind k : values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown fault kind '"
            + label
            + "'; known: all, "
            + String.join(", ", Arrays.stream(values()).map(FaultKind::label).toList()));
  }
}
