package io.floe.client.control;

/**
 * No control-plane replica answered: each base URL refused the connection, timed out or broke it.
 * {@link #outcomeUnknown()} is true when a write may have reached a replica before the connection
 * broke: the client did not send it elsewhere (that could apply it twice), and the caller should
 * check what happened (list the operations or describe the table) before trying again.
 */
public class ControlUnreachableException extends ControlException {
  private final boolean outcomeUnknown;

  public ControlUnreachableException(String message, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
