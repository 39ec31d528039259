package io.floe.client.control;

/**
 * Any failure of a call to the control plane. The subclasses tell what the caller can do: {@link
 * ControlApiException} (the control plane answered with a problem: act on its code), {@link
 * ControlUnreachableException} (no replica answered: try later, and for a write check whether it
 * happened), {@link ControlResponseException} (the answer was not the contract's shape: a version
 * mismatch or a defect, not worth retrying).
 */
public abstract class ControlException extends RuntimeException {
  protected ControlException(String message, Throwable cause) {
    super(message, cause);
  }
}
