package io.floe.storage.object;

/**
 * A write failed in a way that leaves open whether it took effect: an attempt's answer was lost,
 * the retries gave up, and the store could not be asked afterwards whose object is at the key. Do
 * not clean up what the write would have committed and do not assume it lost: read the key again
 * once the store answers (Iceberg's {@code CommitStateUnknownException}).
 */
public class WriteOutcomeUnknownException extends ObjectStoreException {
  private final String key;

  public WriteOutcomeUnknownException(String key, String message, Throwable cause) {
    super(message, false, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
