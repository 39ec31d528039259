package io.floe.core.protocol;

/** A frame's body does not follow the data protocol (truncated, bad length, bad value). */
public class MalformedFrameException extends FloeRequestException {
  public MalformedFrameException(String message) {
    super(ErrorCode.MALFORMED_REQUEST, message);
  }
}
