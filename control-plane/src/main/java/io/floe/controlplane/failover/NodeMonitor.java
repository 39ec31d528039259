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
 * protocol each heartbeat and declares a node dead when a ping has waited {@code deadAfter} for its
 * answer (counted from the first ping it left unanswered, never from its last answer: a heartbeat
 * held up by its own work, which sent no ping meanwhile, finds nobody silent), or at once when its
 * registration names a new incarnation (it restarted and lost its memory) or is gone while the node
 * is silent (lease expired under a paused or dead process). A node whose registration is gone but
 * which still answers lost its etcd lease and is registering again: it took no write since
 * (DESIGN.md §8) and keeps its memory, so it is given {@link #REGISTER_GRACE} times {@code
 * deadAfter} to come back — its leaderships, which it reports suspended, are then moved to a new
 * term on the same node, and its WAL stream, which every partition it leads writes to, is not
 * sealed (a move to another node would seal it and take all of them down with it). A node whose
 * port refused two connections {@link #REFUSAL_CONFIRM} apart is dead too, without waiting for the
 * next heartbeat: nothing listens there, so its process is gone (a paused or cut-off process is
 * never refused — the kernel still accepts, or nothing answers at all — and waits for the full
 * timeout). A ping that fails at once for another reason (the connection was closed: the process
 * died with it open) is made again at once on a fresh connection, which the kernel refuses when the
 * process is gone. A false suspicion costs a leader change, never data: safety comes from fencing.
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

  /**
   * How many times {@code deadAfter} a node that answers pings but whose registration is gone may
   * take to register again (its etcd client reconnecting after an etcd member restarted, say)
   * before it is declared dead.
   */
  static final int REGISTER_GRACE = 3;

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
    volatile long lastAnswerNanos;

    /** When the first ping since its last answer was sent (0: every ping sent was answered). */
    volatile long askedSinceNanos;

    volatile long deadSinceNanos;
    volatile boolean pinging;
    volatile boolean alive = true;
    volatile String lastError = "";

    /** Set by the ping that saw the second refusal in a row; cleared by any answer. */
    volatile boolean refused;

    /** When its registration was first seen gone while it answered (0: registered). */
    volatile long unregisteredSinceNanos;
  }

  private volatile boolean selfSuspected;
  private volatile Set<String> registeredAtLastTick = Set.of();

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
    registeredAtLastTick = Set.of();
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
   * pinged, and each node whose registration went while it answered, and reports the liveness
   * changes since the last tick.
   */
  public java.util.List<Change> tick(Map<String, NodeRegistration> registered) {
    long now = nanos.getAsLong();
    registeredAtLastTick = Set.copyOf(registered.keySet());
    java.util.List<Change> changes = new java.util.ArrayList<>();
    for (Map.Entry<String, Watched> e : watched.entrySet()) {
      Watched w = e.getValue();
      if (registered.containsKey(e.getKey())) {
        continue;
      }
      if (!w.alive) {
        continue;
      }
      String gone = unregisteredDeath(w, now);
      if (gone == null) {
        startPing(w, w.registration.endpoint()); // it may register again: keep listening
        continue;
      }
      w.alive = false;
      w.deadSinceNanos = now;
      w.unregisteredSinceNanos = 0;
      changes.add(new Change(e.getKey(), false, gone));
    }
    // Most nodes silent at the same moment says more about this process (a pause, a starved CPU, a
    // cut of its own network) than about the nodes: heartbeats alone declare no death then, and the
    // nodes' leases decide (a registration gone while its node is silent is a death, above).
    long silent =
        registered.values().stream()
            .map(r -> watched.get(r.node()))
            .filter(w -> w != null && w.alive && silent(w, now))
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
      w.unregisteredSinceNanos = 0; // registered (again, under a new lease if it lost its own)
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
      if (watch.alive && silent(watch, now) && !suspectSelf) {
        watch.alive = false;
        watch.deadSinceNanos = now;
        changes.add(
            new Change(
                r.node(),
                false,
                "no answer to heartbeats for "
                    + Duration.ofNanos(now - watch.askedSinceNanos).toMillis()
                    + " ms (last answer "
                    + Duration.ofNanos(now - watch.lastAnswerNanos).toMillis()
                    + " ms ago)"
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

  /**
   * Why a node believed alive whose registration is gone is dead now, or null while it may still
   * register again: it answers (not silent for {@code deadAfter}, its port not refusing) and went
   * less than {@link #REGISTER_GRACE} times {@code deadAfter} ago.
   */
  private String unregisteredDeath(Watched w, long now) {
    if (w.refused) {
      return "its registration is gone and its port refuses connections (" + w.lastError + ")";
    }
    if (silent(w, now)) {
      return "its registration is gone (lease expired or stopped) and it does not answer";
    }
    if (w.unregisteredSinceNanos == 0) {
      w.unregisteredSinceNanos = now;
    }
    if (now - w.unregisteredSinceNanos > REGISTER_GRACE * deadAfterNanos) {
      return "its registration is gone (it lost its etcd lease) and it did not register again in "
          + Duration.ofNanos(now - w.unregisteredSinceNanos).toMillis()
          + " ms, although it answers";
    }
    return null;
  }

  /**
   * Whether a ping of the node has waited longer than {@code deadAfter} for an answer. Silence is
   * measured from a question, not from the last answer: when this process sent no ping for a while
   * (its heartbeat busy writing operations to a slow etcd, say), the node was not silent, it was
   * not asked.
   */
  private boolean silent(Watched w, long now) {
    long asked = w.askedSinceNanos;
    return asked != 0 && now - asked > deadAfterNanos;
  }

  /**
   * Pings every node {@link #tick} has seen registered and not yet forgotten, between ticks: the
   * heartbeat that ticks can be held up by its own work, and a node must be asked meanwhile for its
   * silence to be measured.
   */
  public void pingWatched() {
    Set<String> registered = registeredAtLastTick;
    for (Map.Entry<String, Watched> e : watched.entrySet()) {
      Watched w = e.getValue();
      NodeRegistration r = w.registration;
      // As the tick does: every registered node, and a node still believed alive whose
      // registration went (it may register again).
      if (r != null && (w.alive || registered.contains(e.getKey()))) {
        startPing(w, r.endpoint());
      }
    }
  }

  /** Pings the node on the pings executor, unless a ping of it is under way. */
  private void startPing(Watched watch, String endpoint) {
    if (watch.pinging) {
      return;
    }
    watch.pinging = true;
    if (watch.askedSinceNanos == 0) {
      watch.askedSinceNanos = nanos.getAsLong();
    }
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
        watch.askedSinceNanos = 0;
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
