package io.floe.client.impl;

import io.floe.client.ClientConfig;
import io.floe.core.protocol.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A few long-lived connections per node, opened on first use and replaced when they break. Requests
 * pick a connection by a routing hint (the partition), so one key's writes share a connection and
 * keep their order.
 */
public final class ConnectionPool implements AutoCloseable {
  private final ClientConfig config;
  private final EventLoopGroup group;
  private final BlockingPool blocking; // null without caller-thread I/O
  private final ConcurrentHashMap<String, CompletableFuture<NodeConnection>[]> byEndpoint =
      new ConcurrentHashMap<>();

  /** Told the endpoint of a node that left requests unanswered for the suspect interval. */
  private volatile Consumer<String> onSilent = e -> {};

  public ConnectionPool(ClientConfig config) {
    this.config = config;
    this.group = Transport.eventLoops("floe-client", config.ioThreads());
    this.blocking =
        config.callerThreadIo()
            ? new BlockingPool(
                config.connectTimeout().toMillis(),
                config.connectionsPerNode(),
                group.next(),
                config.suspectAfter().toNanos(),
                e -> onSilent.accept(e))
            : null;
  }

  /**
   * Who is told when a node leaves requests unanswered for {@link ClientConfig#suspectAfter()}
   * (called on an event loop: it must not block).
   */
  void onSilent(Consumer<String> listener) {
    this.onSilent = listener;
  }

  /**
   * Gives up every connection to {@code endpoint}, pipelined and blocking, and the requests waiting
   * on them, with {@code why}; the next request opens a new one.
   */
  void abandon(String endpoint, String why) {
    CompletableFuture<NodeConnection>[] slots = byEndpoint.get(endpoint);
    if (slots != null) {
      for (CompletableFuture<NodeConnection> slot : slots) {
        if (slot != null && slot.isDone() && !slot.isCompletedExceptionally()) {
          slot.join().abandon(why);
        }
      }
    }
    if (blocking != null) {
      blocking.abandon(endpoint, why);
    }
  }

  /**
   * Plain sockets for calls made on the caller's thread ({@link ClientConfig#callerThreadIo()});
   * null when that is off.
   */
  BlockingPool blocking() {
    return blocking;
  }

  /** The connection for {@code hint} to {@code endpoint}, opened (without blocking) if needed. */
  CompletableFuture<NodeConnection> connection(String endpoint, int hint) {
    @SuppressWarnings("unchecked")
    CompletableFuture<NodeConnection>[] slots =
        byEndpoint.computeIfAbsent(
            endpoint, e -> new CompletableFuture[config.connectionsPerNode()]);
    int slot = Math.floorMod(hint, slots.length);
    CompletableFuture<NodeConnection> current = slots[slot];
    if (usable(current)) {
      return current;
    }
    synchronized (slots) {
      current = slots[slot];
      if (!usable(current)) {
        current =
            NodeConnection.open(
                group,
                endpoint,
                config.connectTimeout().toMillis(),
                config.maxBatch(),
                config.suspectAfter().toNanos(),
                c -> onSilent.accept(c.endpoint()));
        slots[slot] = current;
      }
      return current;
    }
  }

  /**
   * Runs {@code action} when a connection now open to {@code endpoint} closes: a node that died
   * closes them at once (its kernel resets them), long before a request would time out.
   */
  public void whenClosed(String endpoint, Runnable action) {
    CompletableFuture<NodeConnection>[] slots = byEndpoint.get(endpoint);
    if (slots == null) {
      return;
    }
    for (CompletableFuture<NodeConnection> slot : slots) {
      if (slot != null && slot.isDone() && !slot.isCompletedExceptionally()) {
        slot.join().whenClosed(action);
      }
    }
  }

  /** Usable: connected and open, or still connecting. A failed or closed one is replaced. */
  private static boolean usable(CompletableFuture<NodeConnection> c) {
    if (c == null) {
      return false;
    }
    if (!c.isDone()) {
      return true;
    }
    return !c.isCompletedExceptionally() && c.join().isActive();
  }

  EventLoopGroup group() {
    return group;
  }

  @Override
  public void close() {
    if (blocking != null) {
      blocking.close();
    }
    for (CompletableFuture<NodeConnection>[] slots : byEndpoint.values()) {
      for (CompletableFuture<NodeConnection> c : slots) {
        if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
          c.join().close();
        }
      }
    }
    group.shutdownGracefully(0, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
