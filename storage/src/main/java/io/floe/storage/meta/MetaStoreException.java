package io.floe.storage.meta;

/**
 * A metadata store (etcd) call failed. The message names the key or prefix involved; {@link
 * #retryable()} says whether the same call could succeed later (etcd unreachable, no leader) or not
 * (bad request, lease gone).
 */
public class MetaStoreException extends RuntimeException {
  private final boolean retryable;

  public MetaStoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
