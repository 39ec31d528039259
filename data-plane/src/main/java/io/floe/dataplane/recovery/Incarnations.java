package io.floe.dataplane.recovery;

import io.floe.storage.cluster.IncarnationClaim;
import io.floe.storage.cluster.IncarnationClaimParser;
import io.floe.storage.commit.CommitFailedException;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.object.ObjectStore;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Claims this process's incarnation of a node id: one more than the highest claimed so far, taken
 * as a versioned create-if-absent object {@code nodes/{node}/incarnations/{I:020d}.json} in S3, so
 * two processes never share a WAL stream even when etcd was wiped (DESIGN.md §7).
 */
public final class Incarnations {
  private static final int MAX_ATTEMPTS = 100;

  private Incarnations() {}

  public static String prefix(String node) {
    return "nodes/" + node + "/incarnations/";
  }

  /** Claims and returns a new incarnation number for {@code node} (the first is 1). */
  public static long claim(ObjectStore store, String node) {
    VersionedObjects claims = new VersionedObjects(store, prefix(node));
    long candidate = claims.latestVersion().orElse(0) + 1;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++, candidate++) {
      try {
        claims.commit(candidate, IncarnationClaimParser.toBytes(claimOf(node, candidate)));
        return candidate;
      } catch (CommitFailedException e) {
        // another process of this node id claimed it first: try the next number
      }
    }
    throw new IllegalStateException(
        "could not claim an incarnation of node " + node + " in " + MAX_ATTEMPTS + " attempts");
  }

  private static IncarnationClaim claimOf(String node, long incarnation) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "";
    }
    return new IncarnationClaim(
        node, incarnation, System.currentTimeMillis(), host, ProcessHandle.current().pid());
  }
}
