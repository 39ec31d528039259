package io.floe.dataplane.replication;

import io.netty.channel.EventLoopGroup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjLongConsumer;

/**
 * The leader side of replication on one node: one {@link PeerLink} per peer node that follows some
 * partition this node leads, each carrying the appends of all of them (replication.md §3).
 */
public final class Replicator implements AutoCloseable {
  private final String localNode;
  private final ReplicationSettings settings;
  private final EventLoopGroup group;
  private final Map<String, PeerLink> peers = new ConcurrentHashMap<>();

  /** Which links carry each partition led here. */
  private final Map<ReplicaLog, PeerLink[]> routes = new ConcurrentHashMap<>();

  private final ObjLongConsumer<ReplicaLog> onDeposed;

  /**
   * @param group the node's I/O threads, shared with the server (not shut down here)
   * @param onDeposed called (on a network thread) when a follower answers with a newer term: the
   *     partition of that log is no longer led here
   */
  public Replicator(
      String localNode,
      EventLoopGroup group,
      ReplicationSettings settings,
      ObjLongConsumer<ReplicaLog> onDeposed) {
    this.localNode = localNode;
    this.group = group;
    this.settings = settings;
    this.onDeposed = onDeposed;
  }

  public ReplicationSettings settings() {
    return settings;
  }

  /**
   * Streams {@code log}'s entries to {@code followers} (node id → endpoint) from now on, in place
   * of whatever followers it had.
   */
  public synchronized void lead(ReplicaLog log, Map<String, String> followers) {
    PeerLink[] old = routes.get(log);
    PeerLink[] links = new PeerLink[followers.size()];
    int i = 0;
    for (Map.Entry<String, String> f : followers.entrySet()) {
      PeerLink link =
          peers.computeIfAbsent(
              f.getKey(),
              node -> new PeerLink(localNode, node, f.getValue(), settings, group, this));
      link.endpoint(f.getValue());
      links[i++] = link;
    }
    if (old != null) {
      for (PeerLink link : old) {
        if (!followers.containsKey(link.peerNode())) {
          link.remove(log);
        }
      }
    }
    routes.put(log, links);
    for (PeerLink link : links) {
      link.add(log);
    }
    closeIdle();
  }

  /** Stops streaming {@code log}. */
  public synchronized void stop(ReplicaLog log) {
    PeerLink[] links = routes.remove(log);
    if (links != null) {
      for (PeerLink link : links) {
        link.remove(log);
      }
    }
    closeIdle();
  }

  /**
   * New entries in {@code log}: its links send them. Called on every write, so it allocates
   * nothing.
   */
  public void wake(ReplicaLog log) {
    PeerLink[] links = routes.get(log);
    if (links != null) {
      for (PeerLink link : links) {
        link.wake(log);
      }
    }
  }

  void deposed(ReplicaLog log, long newerTerm) {
    onDeposed.accept(log, newerTerm);
  }

  private void closeIdle() {
    peers
        .values()
        .removeIf(
            link -> {
              if (link.isIdle()) {
                link.close();
                return true;
              }
              return false;
            });
  }

  @Override
  public synchronized void close() {
    peers.values().forEach(PeerLink::close);
    peers.clear();
    routes.clear();
  }
}
