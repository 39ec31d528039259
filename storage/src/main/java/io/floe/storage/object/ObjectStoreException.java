package io.floe.storage.object;

/**
 * An object store call failed. The message names the bucket and key; {@link #retryable()} says
 * whether trying again could succeed (throttling, 5xx, I/O) or not (4xx, bad credentials).
 */
public class ObjectStoreException extends RuntimeException {
  private final boolean retryable;

  public ObjectStoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
