package io.floe.storage.object;

/** The object (or its bucket) does not exist. */
public class ObjectNotFoundException extends ObjectStoreException {
  private final String key;

  public ObjectNotFoundException(String key, String message, Throwable cause) {
    super(message, false, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
