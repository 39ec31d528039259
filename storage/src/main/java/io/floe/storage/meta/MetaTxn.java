package io.floe.storage.meta;

import java.nio.charset.StandardCharsets;

/**
 * A multi-key transaction, all-or-nothing, guarded by what the caller read: {@code
 * txn().ifModRevision(k, rev).ifAbsent(k2).put(k2, v).delete(k3).commit()}. Every guard must hold
 * for the writes to apply; otherwise nothing changes and the result says not committed.
 */
public interface MetaTxn {

  /** Guard: {@code key} was last modified at {@code modRevision} (0 means it does not exist). */
  MetaTxn ifModRevision(String key, long modRevision);

  /** Guard: {@code key} does not exist (etcd {@code version == 0}). */
  MetaTxn ifAbsent(String key);

  MetaTxn put(String key, byte[] value);

  /** Puts {@code key} attached to {@code lease}: it disappears when the lease ends. */
  MetaTxn put(String key, byte[] value, Lease lease);

  default MetaTxn put(String key, String value) {
    return put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  MetaTxn delete(String key);

  /** Applies the writes if every guard holds. Not retried: its outcome may be unknown on error. */
  TxnResult commit();
}
