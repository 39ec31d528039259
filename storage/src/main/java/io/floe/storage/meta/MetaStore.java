package io.floe.storage.meta;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Access to Floe's coordination store (etcd): keys, guarded transactions, leases, watches and
 * leader election. Keys are full paths such as those of {@link MetaKeys}.
 *
 * <p>Every attempt of a call has a deadline ({@link MetaStoreConfig#CALL_TIMEOUT}); idempotent
 * calls (reads, puts, deletes, lease grants and revocations) are tried again while etcd is
 * unavailable, as {@link MetaStoreConfig#RETRY_SCOPE etcd.retry.*} says; transactions are sent
 * once. When etcd cannot be reached a call fails with {@link MetaStoreUnavailableException} in
 * bounded time, never hangs. Other failures are {@link MetaStoreException}s naming the key.
 */
public interface MetaStore extends AutoCloseable {

  Optional<MetaEntry> get(String key);

  /** Every key under {@code prefix}, in key order, with the revision of the read. */
  PrefixRead getPrefix(String prefix);

  /** Writes {@code key}; returns the revision of the write. */
  long put(String key, byte[] value);

  /** Writes {@code key} attached to {@code lease}; returns the revision of the write. */
  long put(String key, byte[] value, Lease lease);

  default long put(String key, String value) {
    return put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes {@code key}; true if it existed. */
  boolean delete(String key);

  MetaTxn txn();

  /** Grants a lease of at least {@code ttl} and keeps it alive until revoked or closed. */
  Lease grantLease(Duration ttl);

  /**
   * Revokes the lease {@code leaseId}, whoever was granted it: every key attached to it is deleted.
   * For taking over from a holder known to be dead. Returns false when the lease was already gone,
   * or when this store cannot revoke a lease it did not grant (the lease then expires by itself).
   */
  default boolean revokeLease(long leaseId) {
    return false;
  }

  /**
   * Watches every change under {@code prefix} from {@code fromRevision} on (use {@link
   * PrefixRead#revision()} + 1 after a read). Resumes by itself after disconnects and etcd restarts
   * without missing or repeating an event.
   */
  MetaWatch watchPrefix(String prefix, long fromRevision, WatchListener listener);

  /** The election under {@code electionKey}. */
  LeaderElection election(String electionKey);

  /** Discards history before {@code revision} (watches from before it then fail as compacted). */
  void compact(long revision);

  /** Stops keep-alives and watches and closes the connection. Leases are not revoked. */
  @Override
  void close();
}
