package io.floe.client.impl;

import io.floe.client.ClientConfig;
import io.floe.core.protocol.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A few long-lived connections per node, opened on first use and replaced when they break. Requests
 * pick a connection by a routing hint (the partition), so one key's writes share a connection and
 * keep their order.
 */
public final class ConnectionPool implements AutoCloseable {
  private final ClientConfig config;
  private final EventLoopGroup group;
  private final ConcurrentHashMap<String, NodeConnection[]> byEndpoint = new ConcurrentHashMap<>();

  public ConnectionPool(ClientConfig config) {
    this.config = config;
    this.group = Transport.eventLoops("floe-client", config.ioThreads());
  }

  NodeConnection connection(String endpoint, int hint) {
    NodeConnection[] slots =
        byEndpoint.computeIfAbsent(endpoint, e -> new NodeConnection[config.connectionsPerNode()]);
    int slot = Math.floorMod(hint, slots.length);
    NodeConnection current = slots[slot];
    if (current != null && current.isActive()) {
      return current;
    }
    synchronized (slots) {
      current = slots[slot];
      if (current == null || !current.isActive()) {
        current =
            NodeConnection.open(
                group, endpoint, config.connectTimeout().toMillis(), config.maxBatch());
        slots[slot] = current;
      }
      return current;
    }
  }

  EventLoopGroup group() {
    return group;
  }

  @Override
  public void close() {
    for (NodeConnection[] slots : byEndpoint.values()) {
      for (NodeConnection c : slots) {
        if (c != null) {
          c.close();
        }
      }
    }
    group.shutdownGracefully(0, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
