package io.floe.client.impl;

import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Idle {@link BlockingConnection}s per node. A call checks one out (opening one when none is idle),
 * runs on it on the caller's thread and returns it, so there are about as many connections to a
 * node as callers waiting on it at once. A connection whose call left its stream unknown is closed
 * instead of returned; idle ones beyond {@code maxIdlePerNode} are closed too.
 */
final class BlockingPool implements AutoCloseable {
  /** How often calls past their deadline are looked for (as the pipelined connections do). */
  static final long SWEEP_MILLIS = 20;

  private final long connectTimeoutMillis;
  private final int maxIdlePerNode;
  private final long suspectAfterNanos;
  private final java.util.function.Consumer<String> onSilent;
  private final ConcurrentHashMap<String, Long> silenceReported = new ConcurrentHashMap<>();
  private final Set<BlockingConnection> open = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> sweep;
  private final ConcurrentHashMap<String, ConcurrentLinkedDeque<BlockingConnection>> idle =
      new ConcurrentHashMap<>();
  private volatile boolean closed;

  BlockingPool(long connectTimeoutMillis, int maxIdlePerNode, ScheduledExecutorService sweeper) {
    this(connectTimeoutMillis, maxIdlePerNode, sweeper, Long.MAX_VALUE, e -> {});
  }

  /**
   * As {@link #BlockingPool(long, int, ScheduledExecutorService)}, calling {@code onSilent} with a
   * node's endpoint (at most once per {@code suspectAfterNanos} while it lasts) when a call to it
   * has waited that long for its answer.
   */
  BlockingPool(
      long connectTimeoutMillis,
      int maxIdlePerNode,
      ScheduledExecutorService sweeper,
      long suspectAfterNanos,
      java.util.function.Consumer<String> onSilent) {
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxIdlePerNode = maxIdlePerNode;
    this.suspectAfterNanos = suspectAfterNanos;
    this.onSilent = onSilent;
    this.sweep =
        sweeper.scheduleWithFixedDelay(
            this::expireLateCalls, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void expireLateCalls() {
    long now = System.nanoTime();
    open.forEach(c -> c.expireIfPast(now));
    for (BlockingConnection c : open) {
      if (c.busyForNanos(now) >= suspectAfterNanos) {
        Long last = silenceReported.get(c.endpoint());
        if (last == null || now - last >= suspectAfterNanos) {
          silenceReported.put(c.endpoint(), now);
          onSilent.accept(c.endpoint());
        }
      }
    }
  }

  /**
   * Gives up every connection to {@code endpoint} with {@code why}: the calls waiting on them fail
   * as sent (a write's outcome is unknown); idle ones are closed.
   */
  void abandon(String endpoint, String why) {
    for (BlockingConnection c : open) {
      if (c.endpoint().equals(endpoint)) {
        open.remove(c);
        c.abandon(why);
      }
    }
  }

  private BlockingConnection connect(String endpoint) {
    BlockingConnection connection = BlockingConnection.open(endpoint, connectTimeoutMillis);
    open.add(connection);
    return connection;
  }

  /** One attempt of {@code request} to {@code endpoint} on the caller's thread. */
  Response send(String endpoint, Request request, long deadlineNanos) {
    ConcurrentLinkedDeque<BlockingConnection> connections = idleOf(endpoint);
    BlockingConnection connection = connections.pollFirst();
    while (connection != null && !connection.isUsable()) {
      open.remove(connection); // closed by the node while idle
      connection = connections.pollFirst();
    }
    if (connection == null) {
      connection = connect(endpoint);
    }
    try {
      return connection.call(request, deadlineNanos);
    } finally {
      // kept after an answer, error frames included; closed by the call if its stream is unknown
      release(connections, connection);
    }
  }

  /** Opens one connection to {@code endpoint} ahead of the first call and leaves it idle. */
  void warmUp(String endpoint, Request ping, long deadlineNanos) {
    ConcurrentLinkedDeque<BlockingConnection> connections = idleOf(endpoint);
    BlockingConnection connection = connect(endpoint);
    try {
      connection.call(ping, deadlineNanos);
    } finally {
      release(connections, connection);
    }
  }

  /** Idle connections to {@code endpoint}, for tests. */
  int idle(String endpoint) {
    return idleOf(endpoint).size();
  }

  private ConcurrentLinkedDeque<BlockingConnection> idleOf(String endpoint) {
    ConcurrentLinkedDeque<BlockingConnection> connections = idle.get(endpoint);
    return connections != null
        ? connections
        : idle.computeIfAbsent(endpoint, e -> new ConcurrentLinkedDeque<>());
  }

  /** Most recently used first: a warm connection (and its grown buffers) is picked again. */
  private void release(
      ConcurrentLinkedDeque<BlockingConnection> connections, BlockingConnection connection) {
    if (!connection.isOpen()) {
      open.remove(connection);
      return;
    }
    if (closed || connections.size() >= maxIdlePerNode) {
      open.remove(connection);
      connection.close();
      return;
    }
    connections.offerFirst(connection);
    if (closed) {
      connection.close(); // raced with close(): do not leave it open
    }
  }

  @Override
  public void close() {
    closed = true;
    sweep.cancel(false);
    idle.values()
        .forEach(
            connections -> {
              BlockingConnection c;
              while ((c = connections.pollFirst()) != null) {
                open.remove(c);
                c.close();
              }
            });
  }
}
