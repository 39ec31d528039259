package io.floe.controlplane.failover;

import io.floe.storage.cluster.NodeRegistration;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The leader's failure detector (DESIGN.md §8): pings every registered data node over the data
 * protocol each heartbeat and declares a node dead when it has not answered for {@code deadAfter},
 * or at once when its registration is gone (lease expired, node stopped) or names a new incarnation
 * (it restarted and lost its memory). A node whose port has refused connections for a quarter of
 * {@code deadAfter} is dead too: nothing listens there, so its process is gone (a paused or cut-off
 * process is never refused — the kernel still accepts, or nothing answers at all — and waits for
 * the full timeout). A false suspicion costs a leader change, never data: safety comes from
 * fencing.
 */
public final class NodeMonitor {
  private final Consumer<String> ping;
  private final Executor pings;
  private final LongSupplier nanos;
  private final long deadAfterNanos;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();

  /**
   * @param ping pings a node's endpoint, throwing when it does not answer in time
   * @param pings where pings run (one per node at a time)
   */
  public NodeMonitor(
      Consumer<String> ping, Executor pings, LongSupplier nanos, Duration deadAfter) {
    this.ping = ping;
    this.pings = pings;
    this.nanos = nanos;
    this.deadAfterNanos = deadAfter.toNanos();
  }

  /** A change of a node's liveness, found by {@link #tick}. */
  public record Change(String node, boolean alive, String why) {}

  private static final class Watched {
    volatile NodeRegistration registration;
    volatile long lastAnswerNanos;
    volatile long deadSinceNanos;
    volatile boolean pinging;
    volatile boolean alive = true;
    volatile String lastError = "";
    volatile long refusedSinceNanos = -1;
  }

  private volatile boolean selfSuspected;

  /**
   * True when, at the last tick, most nodes had been silent for the timeout at once: no death was
   * declared from heartbeats then (see {@link #tick}).
   */
  public boolean selfSuspected() {
    return selfSuspected;
  }

  /** Forgets every node: a new leadership starts with every registered node alive. */
  public void reset() {
    watched.clear();
  }

  public boolean alive(String node) {
    Watched w = watched.get(node);
    return w != null && w.alive;
  }

  /** Nodes believed alive now. */
  public Set<String> aliveNodes() {
    return watched.entrySet().stream()
        .filter(e -> e.getValue().alive)
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * One heartbeat: pings each of {@code registered} (node id to registration) not already being
   * pinged, and reports the liveness changes since the last tick.
   */
  public java.util.List<Change> tick(Map<String, NodeRegistration> registered) {
    long now = nanos.getAsLong();
    java.util.List<Change> changes = new java.util.ArrayList<>();
    for (Map.Entry<String, Watched> e : watched.entrySet()) {
      if (!registered.containsKey(e.getKey()) && e.getValue().alive) {
        e.getValue().alive = false;
        e.getValue().deadSinceNanos = now;
        changes.add(
            new Change(e.getKey(), false, "its registration is gone (lease expired or stopped)"));
      }
    }
    // Most nodes silent at the same moment says more about this process (a pause, a starved CPU, a
    // cut of its own network) than about the nodes: heartbeats alone declare no death then, and the
    // nodes' leases decide (a registration that is gone is a death at once, above).
    long silent =
        registered.values().stream()
            .map(r -> watched.get(r.node()))
            .filter(w -> w != null && w.alive && now - w.lastAnswerNanos > deadAfterNanos)
            .count();
    boolean suspectSelf = registered.size() >= 2 && silent * 2 > registered.size();
    selfSuspected = suspectSelf;
    for (NodeRegistration r : registered.values()) {
      Watched w = watched.get(r.node());
      if (w == null) {
        w = new Watched();
        w.registration = r;
        w.lastAnswerNanos = now;
        watched.put(r.node(), w);
      } else if (w.registration.incarnation() != r.incarnation()) {
        boolean wasAlive = w.alive;
        w.registration = r;
        if (wasAlive) {
          // It restarted between two heartbeats: its replicas lost their memory.
          changes.add(
              new Change(r.node(), false, "it restarted (incarnation " + r.incarnation() + ")"));
        }
        w.alive = false;
        w.deadSinceNanos = now;
      }
      Watched watch = w;
      long refusedSince = watch.refusedSinceNanos;
      if (watch.alive
          && refusedSince >= 0
          && now - refusedSince >= deadAfterNanos / 4
          && !suspectSelf) {
        watch.alive = false;
        watch.deadSinceNanos = now;
        changes.add(
            new Change(
                r.node(),
                false,
                "its port refused connections for "
                    + Duration.ofNanos(now - refusedSince).toMillis()
                    + " ms ("
                    + watch.lastError
                    + ")"));
      }
      if (watch.alive && now - watch.lastAnswerNanos > deadAfterNanos && !suspectSelf) {
        watch.alive = false;
        watch.deadSinceNanos = now;
        changes.add(
            new Change(
                r.node(),
                false,
                "no answer to heartbeats for "
                    + Duration.ofNanos(now - watch.lastAnswerNanos).toMillis()
                    + " ms"
                    + (watch.lastError.isEmpty() ? "" : " (" + watch.lastError + ")")));
      }
      if (!watch.alive && watch.lastAnswerNanos >= watch.deadSinceNanos) {
        watch.alive = true;
        changes.add(new Change(r.node(), true, "it answers again"));
      }
      if (!watch.pinging) {
        watch.pinging = true;
        String endpoint = r.endpoint();
        pings.execute(
            () -> {
              try {
                ping.accept(endpoint);
                watch.lastAnswerNanos = nanos.getAsLong();
                watch.lastError = "";
                watch.refusedSinceNanos = -1;
              } catch (RuntimeException ex) {
                watch.lastError = String.valueOf(ex.getMessage());
                if (!refused(ex)) {
                  watch.refusedSinceNanos = -1;
                } else if (watch.refusedSinceNanos < 0) {
                  watch.refusedSinceNanos = nanos.getAsLong();
                }
              } finally {
                watch.pinging = false;
              }
            });
      }
    }
    return changes;
  }

  /** Whether a ping failed because the node's port refused the connection. */
  static boolean refused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          && String.valueOf(t.getMessage())
              .toLowerCase(java.util.Locale.ROOT)
              .contains("refused")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
