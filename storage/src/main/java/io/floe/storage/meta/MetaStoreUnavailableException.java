package io.floe.storage.meta;

import java.time.Duration;

/**
 * etcd did not answer within the call deadline (down, unreachable, or without a leader). For a
 * write the outcome is unknown: it may have been applied. Re-read before acting on the failure.
 */
public class MetaStoreUnavailableException extends MetaStoreException {
  private final Duration deadline;

  public MetaStoreUnavailableException(String message, Duration deadline, Throwable cause) {
    super(message, true, cause);
    this.deadline = deadline;
  }

  /** The deadline the call had. */
  public Duration deadline() {
    return deadline;
  }
}
