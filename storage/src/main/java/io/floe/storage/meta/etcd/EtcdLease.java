package io.floe.storage.meta.etcd;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.LeaseNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease renewed by single keep-alive calls, three per trust window (TTL minus margin). It is
 * declared lost when no keep-alive was acknowledged for TTL minus the safety margin, measured from
 * when the last acknowledged request was <em>sent</em>: the server received it later and counts its
 * TTL from then, so the holder always gives up first (DESIGN.md §8).
 */
final class EtcdLease implements Lease {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLease.class);
  private static final long TICK_MILLIS = 50;
  private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int MAX_IN_FLIGHT = 3;

  private final long id;
  private final Duration ttl;
  private final long marginNanos;
  private final long windowNanos;
  private final long intervalNanos;
  private final io.etcd.jetcd.Lease leases;
  private final EtcdCalls calls;
  private final Executor callbacks;
  private final List<Runnable> lostCallbacks = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean lost;
  private volatile long safeUntilNanos;
  private volatile long lastSentNanos;
  private ScheduledFuture<?> ticker;

  EtcdLease(
      long id,
      Duration ttl,
      Duration margin,
      long grantSentNanos,
      io.etcd.jetcd.Lease leases,
      EtcdCalls calls,
      Executor callbacks) {
    this.id = id;
    this.ttl = ttl;
    this.marginNanos = margin.toNanos();
    // Three tries inside the window in which the holder still trusts the lease.
    this.windowNanos = ttl.toNanos() - marginNanos;
    this.intervalNanos = Math.max(MIN_INTERVAL_NANOS, windowNanos / 3);
    this.leases = leases;
    this.calls = calls;
    this.callbacks = callbacks;
    this.safeUntilNanos = grantSentNanos + ttl.toNanos() - marginNanos;
    this.lastSentNanos = grantSentNanos;
  }

  /**
   * Renews once, synchronously, if the grant itself took so long (a cold connection) that the
   * window counted from its sending is mostly gone; otherwise the lease would be declared lost at
   * once although the server just granted it.
   */
  void renewIfGrantWasSlow(long grantAnsweredNanos) {
    if (grantAnsweredNanos - lastSentNanos < intervalNanos) {
      return;
    }
    long sentNanos = System.nanoTime();
    LeaseKeepAliveResponse response = calls.await(leases.keepAliveOnce(id), "renew " + this);
    lastSentNanos = sentNanos;
    safeUntilNanos = sentNanos + TimeUnit.SECONDS.toNanos(response.getTTL()) - marginNanos;
  }

  synchronized void start(ScheduledExecutorService scheduler) {
    ticker = scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public boolean isAlive() {
    return !ended.get();
  }

  @Override
  public void whenLost(Runnable callback) {
    lostCallbacks.add(callback);
    if (lost) {
      runCallbacks(List.of(callback));
    }
  }

  @Override
  public void revoke() {
    stop();
    calls.await(leases.revoke(id), "revoke " + this);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "lease " + Long.toHexString(id);
  }

  private void tick() {
    if (ended.get()) {
      return;
    }
    long now = System.nanoTime();
    if (now - safeUntilNanos >= 0) {
      markLost("no keep-alive acknowledged for " + ttl.minusNanos(marginNanos));
    } else if (now - lastSentNanos >= intervalNanos && inFlight.get() < MAX_IN_FLIGHT) {
      sendKeepAlive(now);
    }
  }

  private void sendKeepAlive(long sentNanos) {
    lastSentNanos = sentNanos;
    inFlight.incrementAndGet();

    // A late answer still proves the server renewed the lease at or after sentNanos, so a
    // request may take the whole window; meanwhile the next ones go out on schedule.
    CompletableFuture<LeaseKeepAliveResponse> call = leases.keepAliveOnce(id);
    call.orTimeout(windowNanos, TimeUnit.NANOSECONDS)
        .whenComplete(
            (response, failure) -> {
              inFlight.decrementAndGet();
              if (failure != null
                  && calls.translate(failure, "keep-alive of " + this)
                      instanceof LeaseNotFoundException) {
                // Revoked, or expired while no keep-alive got through: waiting for the window to
                // end would leave writes going under a lease etcd no longer has.
                markLost("etcd no longer has it (revoked or expired)");
              } else if (failure != null) {
                LOG.debug("keep-alive of {} failed: {}", this, failure.toString());
              } else if (response.getTTL() <= 0) {
                markLost("etcd says it has expired");
              } else {
                long until = sentNanos + TimeUnit.SECONDS.toNanos(response.getTTL()) - marginNanos;
                safeUntilNanos = Math.max(safeUntilNanos, until);
              }
            });
  }

  private void markLost(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    lost = true;
    cancelTicker();
    LOG.warn("{} lost: {}", this, reason);
    runCallbacks(lostCallbacks);
  }

  private void runCallbacks(List<Runnable> toRun) {
    for (Runnable callback : toRun) {
      callbacks.execute(
          () -> {
            try {
              callback.run();
            } catch (RuntimeException e) {
              LOG.error("lease-lost callback of {} failed", this, e);
            }
          });
    }
  }

  private void stop() {
    ended.set(true);
    cancelTicker();
  }

  private synchronized void cancelTicker() {
    if (ticker != null) {
      ticker.cancel(false);
    }
  }
}
