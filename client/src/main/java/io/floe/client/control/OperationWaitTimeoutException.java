package io.floe.client.control;

import java.time.Duration;

/**
 * {@link ControlClient#awaitOperation} gave up: the operation had not ended within the wait. It
 * goes on in the control plane; {@link #last()} is how it was last seen.
 */
public class OperationWaitTimeoutException extends ControlException {
  private final Operation last;

  public OperationWaitTimeoutException(Operation last, Duration waited) {
    super(
        "operation "
            + last.opId()
            + " ("
            + last.type()
            + ") is still "
            + last.status()
            + (last.currentTask() == null ? "" : " at task " + last.currentTask())
            + " after "
            + waited.toMillis()
            + " ms; it goes on: follow it with showopstatus",
        null);
    this.last = last;
  }

  public Operation last() {
    return last;
  }
}
