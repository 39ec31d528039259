package io.floe.client.control;

/**
 * The control plane answered with success but the body is not what control-api.md promises (not
 * JSON, a member missing or of the wrong type). The message names the call and the member; a client
 * and a control plane of different versions, or a defect, never something a retry fixes.
 */
public class ControlResponseException extends ControlException {
  public ControlResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
