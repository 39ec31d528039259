package io.floe.storage.object;

/** The store refused the credentials or the operation (HTTP 403). Never retried. */
public class AccessDeniedException extends ObjectStoreException {
  private final String key;

  public AccessDeniedException(String key, String message, Throwable cause) {
    super(message, false, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
