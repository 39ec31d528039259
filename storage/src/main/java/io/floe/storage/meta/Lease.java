package io.floe.storage.meta;

import java.time.Duration;

/**
 * An etcd lease kept alive in the background. Keys put with it vanish when it ends.
 *
 * <p>The holder learns it is lost <em>before</em> the server can have expired it: when no
 * keep-alive was acknowledged for the TTL minus a safety margin (counted from when the last
 * acknowledged keep-alive was sent), or when the server says the lease is gone. Holders that fence
 * writes by their lease (data nodes, DESIGN.md §8) stop on that callback.
 */
public interface Lease extends AutoCloseable {

  long id();

  /** The TTL granted by the server (it may round up what was asked). */
  Duration ttl();

  /** False once the lease was lost, revoked or closed. */
  boolean isAlive();

  /**
   * Runs {@code callback} once when the lease is lost (not when it is revoked or closed). If it is
   * already lost, runs it at once. Callbacks run on a store thread: keep them short.
   */
  void whenLost(Runnable callback);

  /** Ends the lease on the server now: its keys are deleted. */
  void revoke();

  /** Stops keeping the lease alive without revoking it; the server expires it after the TTL. */
  @Override
  void close();
}
