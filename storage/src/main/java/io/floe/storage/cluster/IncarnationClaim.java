package io.floe.storage.cluster;

import java.util.Objects;

/**
 * One process start of a node id, claimed in S3 at {@code nodes/{node}/incarnations/{I:020d}.json}
 * (spec.md §6, §13): the incarnation names the WAL stream the process writes, unique even when etcd
 * is wiped. {@code host} and {@code pid} say which process claimed it, for operators.
 */
public record IncarnationClaim(
    String node, long incarnation, long claimedAtMs, String host, long pid) {
  public IncarnationClaim {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(host, "host");
  }
}
