package io.floe.client.impl;

import io.floe.client.FloeConnectionException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The {@link BlockingConnection}s of each node, {@code connectionsPerNode} of them, shared by every
 * blocking caller: a call picks one by its routing hint (the partition), opening it on first use
 * and again after it broke. A sweep every few milliseconds closes a connection whose write is stuck
 * past its deadline, and reports a node silent when calls have waited {@code suspectAfter} with no
 * answer coming back at all (a node that answers anything, even slowly, is not silent), as the
 * pipelined connections do.
 */
final class BlockingPool implements AutoCloseable {
  /** How often stuck writes and silent nodes are looked for (as the pipelined connections do). */
  static final long SWEEP_MILLIS = 20;

  private final long connectTimeoutMillis;
  private final int connectionsPerNode;
  private final long suspectAfterNanos;
  private final Consumer<String> onSilent;
  private final ConcurrentHashMap<String, Node> nodes = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> sweep;
  private volatile boolean closed;

  BlockingPool(
      long connectTimeoutMillis, int connectionsPerNode, ScheduledExecutorService sweeper) {
    this(connectTimeoutMillis, connectionsPerNode, sweeper, Long.MAX_VALUE, e -> {});
  }

  /**
   * As {@link #BlockingPool(long, int, ScheduledExecutorService)}, calling {@code onSilent} with a
   * node's endpoint (at most once per {@code suspectAfterNanos} while it lasts) when calls to it
   * have waited that long with nothing heard from it.
   */
  BlockingPool(
      long connectTimeoutMillis,
      int connectionsPerNode,
      ScheduledExecutorService sweeper,
      long suspectAfterNanos,
      Consumer<String> onSilent) {
    if (connectionsPerNode < 1) {
      throw new IllegalArgumentException(
          "connections per node must be at least 1, got " + connectionsPerNode);
    }
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.connectionsPerNode = connectionsPerNode;
    this.suspectAfterNanos = suspectAfterNanos;
    this.onSilent = onSilent;
    this.sweep =
        sweeper.scheduleWithFixedDelay(
            this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** One attempt of {@code request} to {@code endpoint} on the caller's thread. */
  Response send(String endpoint, int hint, Request request, long deadlineNanos) {
    return connection(endpoint, hint).call(request, deadlineNanos);
  }

  /** Opens every connection to {@code endpoint} ahead of the first call and pings on each. */
  void warmUp(String endpoint, Request ping, long deadlineNanos) {
    for (int slot = 0; slot < connectionsPerNode; slot++) {
      connection(endpoint, slot).call(ping, deadlineNanos);
    }
  }

  /**
   * Gives up every connection to {@code endpoint} with {@code why}: the calls waiting on them fail
   * as sent (a write's outcome is unknown); the next call opens a new one.
   */
  void abandon(String endpoint, String why) {
    Node node = nodes.get(endpoint);
    if (node != null) {
      node.forEach(c -> c.abandon(why));
    }
  }

  /** Open connections to {@code endpoint}, for tests. */
  int open(String endpoint) {
    Node node = nodes.get(endpoint);
    int[] open = {0};
    if (node != null) {
      node.forEach(c -> open[0] += c.isOpen() ? 1 : 0);
    }
    return open[0];
  }

  private BlockingConnection connection(String endpoint, int hint) {
    Node node = nodes.get(endpoint);
    if (node == null) {
      node = nodes.computeIfAbsent(endpoint, e -> new Node(connectionsPerNode));
    }
    int slot = Math.floorMod(hint, connectionsPerNode);
    BlockingConnection c = node.slots.get(slot);
    if (c != null && c.isOpen()) {
      return c;
    }
    synchronized (node) {
      c = node.slots.get(slot);
      if (c != null && c.isOpen()) {
        return c;
      }
      if (closed) {
        throw new FloeConnectionException("the client is closed", false, null);
      }
      c = BlockingConnection.open(endpoint, connectTimeoutMillis);
      node.slots.set(slot, c);
      if (closed) {
        c.close(); // raced with close(): do not leave it open
      }
      return c;
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    nodes.forEach(
        (endpoint, node) -> {
          node.forEach(c -> c.expireStuckWrite(now));
          if (node.silent(now, suspectAfterNanos)) {
            onSilent.accept(endpoint);
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    sweep.cancel(false);
    nodes.values().forEach(node -> node.forEach(BlockingConnection::close));
  }

  /** A node's connections, and what the sweep knows of its silence (sweep thread only). */
  private static final class Node {
    final AtomicReferenceArray<BlockingConnection> slots;
    private long heardAtSweep = -1;
    private long quietSinceNanos;
    private long silenceReportedNanos; // 0: not reported in this silence

    Node(int connections) {
      this.slots = new AtomicReferenceArray<>(connections);
    }

    void forEach(Consumer<BlockingConnection> action) {
      for (int i = 0; i < slots.length(); i++) {
        BlockingConnection c = slots.get(i);
        if (c != null) {
          action.accept(c);
        }
      }
    }

    /**
     * Calls waiting and no answer heard since the last sweep, for {@code suspectAfterNanos}: true
     * once per that interval while it lasts, so a listener can look again.
     */
    boolean silent(long now, long suspectAfterNanos) {
      long waiting = 0;
      long heard = 0;
      for (int i = 0; i < slots.length(); i++) {
        BlockingConnection c = slots.get(i);
        if (c != null && c.isOpen()) {
          waiting += c.waiting();
          heard += c.framesHeard();
        }
      }
      if (waiting == 0 || heard != heardAtSweep) {
        heardAtSweep = heard;
        quietSinceNanos = now;
        silenceReportedNanos = 0;
        return false;
      }
      if (now - quietSinceNanos >= suspectAfterNanos
          && (silenceReportedNanos == 0 || now - silenceReportedNanos >= suspectAfterNanos)) {
        silenceReportedNanos = now;
        return true;
      }
      return false;
    }
  }
}
