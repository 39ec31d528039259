package io.floe.dataplane.cluster;

import io.floe.core.format.FormatException;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's registration ({@code nodes/{node}}) under a lease of its own. Registering is
 * create-if-absent. A key left by this very process (same incarnation, an earlier lease) is
 * replaced. A key left by a process that is provably dead ({@link PredecessorCheck}: a restart
 * after a crash) is taken over at once: its lease is revoked (its status keys go with it) and the
 * key deleted, guarded by the revision read; the new incarnation is already fenced through S3. Any
 * other key is waited out for one TTL (a crashed process's lease expires by then), and if it is
 * still there a live process holds the id and registering fails with {@link NodeIdInUseException}.
 */
final class NodeMembership {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final MetaStore store;
  private final MetaKeys keys;
  private final NodeRegistration registration;
  private final Duration ttl;
  private final PredecessorCheck predecessor;

  NodeMembership(MetaStore store, MetaKeys keys, NodeRegistration registration, Duration ttl) {
    this.store = store;
    this.keys = keys;
    this.registration = registration;
    this.ttl = ttl;
    this.predecessor = new PredecessorCheck(registration.endpoint());
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
        Optional<NodeRegistration> holder = existing.flatMap(NodeMembership::parse);
        if (holder.isPresent() && predecessor.provablyDead(holder.get())) {
          takeOver(key, existing.get(), holder.get());
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

  /** Removes a dead predecessor's registration and, with its lease, its status keys. */
  private void takeOver(String key, MetaEntry entry, NodeRegistration dead) {
    LOG.info(
        "node {}: the process that registered it (incarnation {} at {}) is gone; taking over its"
            + " registration without waiting for its lease",
        registration.node(),
        dead.incarnation(),
        dead.endpoint());
    if (entry.leaseId() != 0) {
      store.revokeLease(entry.leaseId());
    }
    store.txn().ifModRevision(key, entry.modRevision()).delete(key).commit();
  }

  private boolean isMine(MetaEntry entry) {
    return parse(entry)
        .map(
            other ->
                other.incarnation() == registration.incarnation()
                    && other.endpoint().equals(registration.endpoint()))
        .orElse(false);
  }

  private static Optional<NodeRegistration> parse(MetaEntry entry) {
    try {
      return Optional.of(NodeRegistrationParser.fromJson(entry.value()));
    } catch (FormatException e) {
      return Optional.empty();
    }
  }
}
