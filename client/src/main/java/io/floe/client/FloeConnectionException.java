package io.floe.client;

/**
 * The connection to a node could not be opened ({@link #sent()} false: nothing reached the node) or
 * broke while the request was in flight ({@link #sent()} true: a write's outcome is unknown).
 */
public class FloeConnectionException extends RuntimeException {
  private final boolean sent;

  public FloeConnectionException(String message, boolean sent, Throwable cause) {
    super(message, cause);
    this.sent = sent;
  }

  public boolean sent() {
    return sent;
  }
}
