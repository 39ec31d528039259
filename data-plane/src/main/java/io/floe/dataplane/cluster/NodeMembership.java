package io.floe.dataplane.cluster;

import io.floe.core.cluster.NodeRegistration;
import io.floe.core.cluster.NodeRegistrationParser;
import io.floe.core.format.FormatException;
import io.floe.core.meta.Lease;
import io.floe.core.meta.MetaEntry;
import io.floe.core.meta.MetaKeys;
import io.floe.core.meta.MetaStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's registration ({@code nodes/{node}}) under a lease of its own. Registering is
 * create-if-absent: a key left by another process is waited out for one TTL (a crashed process's
 * lease expires by then), and if it is still there a live process holds the id and registering
 * fails with {@link NodeIdInUseException}. A key left by this very process (same incarnation, an
 * earlier lease) is replaced.
 */
final class NodeMembership {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final MetaStore store;
  private final MetaKeys keys;
  private final NodeRegistration registration;
  private final Duration ttl;

  NodeMembership(MetaStore store, MetaKeys keys, NodeRegistration registration, Duration ttl) {
    this.store = store;
    this.keys = keys;
    this.registration = registration;
    this.ttl = ttl;
  }

  NodeRegistration registration() {
    return registration;
  }

  /**
   * Grants a lease and registers under it; waits at most {@code waitForOther} for a key held by
   * another process to go. The returned lease is alive; the caller watches it with {@link
   * Lease#whenLost}.
   */
  Lease register(Duration waitForOther) {
    String key = keys.node(registration.node());
    byte[] value = NodeRegistrationParser.toBytes(registration);
    long deadline = System.nanoTime() + waitForOther.toNanos();
    Lease lease = store.grantLease(ttl);
    try {
      while (true) {
        if (store.txn().ifAbsent(key).put(key, value, lease).commit().committed()) {
          LOG.info(
              "node {} registered at {} (lease {}, ttl {})",
              registration.node(),
              key,
              lease.id(),
              lease.ttl());
          return lease;
        }
        Optional<MetaEntry> existing = store.get(key);
        if (existing.isPresent() && isMine(existing.get())) {
          // Our own key from a lease we gave up: replace it, guarded by what we read.
          store.txn().ifModRevision(key, existing.get().modRevision()).delete(key).commit();
          continue;
        }
        if (System.nanoTime() >= deadline) {
          throw new NodeIdInUseException(
              registration.node(), existing.map(MetaEntry::valueAsString).orElse("gone"));
        }
        LockSupport.parkNanos(POLL.toNanos());
      }
    } catch (RuntimeException e) {
      try {
        lease.revoke();
      } catch (RuntimeException revokeFailed) {
        lease.close();
        e.addSuppressed(revokeFailed);
      }
      throw e;
    }
  }

  private boolean isMine(MetaEntry entry) {
    try {
      NodeRegistration other = NodeRegistrationParser.fromJson(entry.value());
      return other.incarnation() == registration.incarnation()
          && other.endpoint().equals(registration.endpoint());
    } catch (FormatException e) {
      return false;
    }
  }
}
