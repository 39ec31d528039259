package io.floe.controlplane.cluster;

import io.floe.client.NodeAdmin;
import io.floe.core.protocol.FloeRequestException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The control plane's connections to data nodes (one per endpoint, shared by every thread), for
 * heartbeats and for the replication primitives operations call. A call that fails without an
 * answer (unreachable, timed out) drops its connection, so the next one connects afresh; a call the
 * node answered with an error keeps it: other threads' calls on it are in flight, and closing it
 * under them would fail them for nothing (their event loop shut down).
 */
public final class NodeLinks implements AutoCloseable {
  private final Duration timeout;
  private final Map<String, NodeAdmin> links = new ConcurrentHashMap<>();
  private final java.util.function.Consumer<String> lost;

  public NodeLinks(Duration timeout) {
    this(timeout, endpoint -> {});
  }

  /**
   * @param lost told the endpoint whose connection closed (a node that dies closes it at once)
   */
  public NodeLinks(Duration timeout, java.util.function.Consumer<String> lost) {
    this.timeout = timeout;
    this.lost = lost;
  }

  /**
   * Runs {@code call} on the connection to {@code endpoint}, connecting first when needed.
   *
   * @throws RuntimeException the client's exception when the node cannot be reached or refuses
   */
  public <T> T call(String endpoint, Function<NodeAdmin, T> call) {
    NodeAdmin admin = links.get(endpoint);
    if (admin == null) {
      NodeAdmin fresh = NodeAdmin.connect(endpoint, timeout);
      admin = links.putIfAbsent(endpoint, fresh);
      if (admin == null) {
        admin = fresh;
        fresh.whenConnectionLost(() -> lost.accept(endpoint));
      } else {
        fresh.close();
      }
    }
    try {
      return call.apply(admin);
    } catch (FloeRequestException e) {
      throw e; // the node answered: the connection is sound
    } catch (RuntimeException e) {
      if (links.remove(endpoint, admin)) {
        admin.close();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    links.values().forEach(NodeAdmin::close);
    links.clear();
  }
}
