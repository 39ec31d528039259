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
 * (it restarted and lost its memory). A node whose port refused two connections {@link
 * #REFUSAL_CONFIRM} apart is dead too, without waiting for the next heartbeat: nothing listens
 * there, so its process is gone (a paused or cut-off process is never refused — the kernel still
 * accepts, or nothing answers at all — and waits for the full timeout). A ping that fails at once
 * for another reason (the connection was closed: the process died with it open) is made again at
 * once on a fresh connection, which the kernel refuses when the process is gone. A false suspicion
 * costs a leader change, never data: safety comes from fencing.
 */
public final class NodeMonitor {
  private final Consumer<String> ping;
  private final Executor pings;
  private final LongSupplier nanos;
  private final long deadAfterNanos;
  private final Runnable wake;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();

  /**
   * The pause between the two refused connections that declare a node's process gone: long enough
   * that a listener being re-bound is not mistaken for a death, short against the failover budget.
   */
  static final Duration REFUSAL_CONFIRM = Duration.ofMillis(50);

  /** A ping failing faster than this did not wait for an answer: the connection was closed. */
  private static final long FAST_FAILURE_NANOS = Duration.ofMillis(50).toNanos();

  /**
   * @param ping pings a node's endpoint, throwing when it does not answer in time
   * @param pings where pings run (one per node at a time)
   * @param wake asks for a {@link #tick} now, instead of at the next heartbeat, when a ping found a
   *     node's process gone
   */
  public NodeMonitor(
      Consumer<String> ping,
      Executor pings,
      LongSupplier nanos,
      Duration deadAfter,
      Runnable wake) {
    this.ping = ping;
    this.pings = pings;
    this.nanos = nanos;
    this.deadAfterNanos = deadAfter.toNanos();
    this.wake = wake;
  }

  /** A change of a node's liveness, found by {@link #tick}. */
  public record Change(String node, boolean alive, String why) {}

  private static final class Watched {
    volatile NodeRegistration registration;
    volatile long lease;
    volatile long lastAnswerNanos;
    volatile long deadSinceNanos;
    volatile boolean pinging;
    volatile boolean alive = true;
    volatile String lastError = "";

    /** Set by the ping that saw the second refusal in a row; cleared by any answer. */
    volatile boolean refused;
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
    return tick(registered, Map.of());
  }

  /**
   * As {@link #tick(Map)}, knowing the etcd lease each registration is held by: a node whose
   * registration is held by a new lease (same incarnation) lost its lease and registered again
   * between two ticks. It took no write under its leaderships since (DESIGN.md §8), so it is dead
   * for them: they move, and it comes back alive (re-added) at its next answer, as a node that
   * restarted does.
   */
  public java.util.List<Change> tick(
      Map<String, NodeRegistration> registered, Map<String, Long> leases) {
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
      long lease = leases.getOrDefault(r.node(), 0L);
      if (w == null) {
        w = new Watched();
        w.registration = r;
        w.lease = lease;
        w.lastAnswerNanos = now;
        watched.put(r.node(), w);
      } else if (w.registration.incarnation() == r.incarnation()
          && lease != 0
          && w.lease != 0
          && lease != w.lease) {
        w.lease = lease;
        if (w.alive) {
          changes.add(
              new Change(
                  r.node(),
                  false,
                  "it lost its etcd lease and registered again: it takes no writes under the"
                      + " leaderships it had"));
        }
        w.alive = false;
        w.deadSinceNanos = now;
      } else if (w.registration.incarnation() != r.incarnation()) {
        w.lease = lease;
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
      if (watch.alive && watch.refused && !suspectSelf) {
        watch.alive = false;
        watch.deadSinceNanos = now;
        changes.add(
            new Change(
                r.node(),
                false,
                "its port refused two connections "
                    + REFUSAL_CONFIRM.toMillis()
                    + " ms apart ("
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
      startPing(watch, r.endpoint());
    }
    return changes;
  }

  /** Pings the node on the pings executor, unless a ping of it is under way. */
  private void startPing(Watched watch, String endpoint) {
    if (watch.pinging) {
      return;
    }
    watch.pinging = true;
    pings.execute(
        () -> {
          try {
            pingOnce(watch, endpoint);
          } finally {
            watch.pinging = false;
          }
        });
  }

  /**
   * The connection to {@code endpoint} closed: ping that node now rather than at the next heartbeat
   * (a process that died closed it; a fresh connection is then refused).
   */
  public void connectionLost(String endpoint) {
    for (Watched watch : watched.values()) {
      NodeRegistration r = watch.registration;
      if (r != null && r.endpoint().equals(endpoint) && watch.alive) {
        startPing(watch, endpoint);
      }
    }
  }

  /**
   * One heartbeat's ping: made again at once on a fresh connection when it failed without waiting
   * (a closed connection), and {@link #REFUSAL_CONFIRM} later when the port refused, so that a
   * process that is gone is known within a few tens of milliseconds.
   */
  private void pingOnce(Watched watch, String endpoint) {
    boolean refusedBefore = false;
    for (int attempt = 0; attempt < 3; attempt++) {
      long started = nanos.getAsLong();
      try {
        ping.accept(endpoint);
        watch.lastAnswerNanos = nanos.getAsLong();
        watch.lastError = "";
        watch.refused = false;
        return;
      } catch (RuntimeException ex) {
        watch.lastError = String.valueOf(ex.getMessage());
        if (refused(ex)) {
          if (refusedBefore) {
            watch.refused = true;
            if (watch.alive) {
              wake.run(); // news only while it is believed alive
            }
            return;
          }
          refusedBefore = true;
          if (!pause(REFUSAL_CONFIRM)) {
            return;
          }
        } else if (refusedBefore || nanos.getAsLong() - started > FAST_FAILURE_NANOS) {
          return; // it waited and heard nothing: only the timeout decides
        }
      }
    }
  }

  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
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
