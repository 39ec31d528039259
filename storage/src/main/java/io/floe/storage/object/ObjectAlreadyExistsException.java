package io.floe.storage.object;

/** A conditional create lost: another writer created the key first. Never retried. */
public class ObjectAlreadyExistsException extends ObjectStoreException {
  private final String key;

  public ObjectAlreadyExistsException(String key, String message, Throwable cause) {
    super(message, false, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
