package io.floe.storage.object;

/** A ranged read started at or past the end of the object. Never retried. */
public class InvalidRangeException extends ObjectStoreException {
  private final String key;

  public InvalidRangeException(String key, String message, Throwable cause) {
    super(message, false, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
