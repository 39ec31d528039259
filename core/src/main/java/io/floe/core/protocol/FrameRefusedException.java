package io.floe.core.protocol;

/**
 * A frame the node will not read, answered with {@link #requestId()} (0 when its header was not
 * received) before the connection is closed: the stream cannot be trusted or resumed past it.
 */
public class FrameRefusedException extends FloeRequestException {
  private final int requestId;

  public FrameRefusedException(ErrorCode code, String message, int requestId) {
    super(code, message);
    this.requestId = requestId;
  }

  public int requestId() {
    return requestId;
  }
}
