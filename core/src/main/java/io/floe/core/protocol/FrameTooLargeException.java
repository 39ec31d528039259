package io.floe.core.protocol;

/**
 * A frame's length field is outside {@code [6, max]}: the stream cannot be trusted past it. The
 * request id is the one found after the length field (0 when not yet received).
 */
public class FrameTooLargeException extends FrameRefusedException {
  public FrameTooLargeException(long length, int max, int requestId) {
    super(
        ErrorCode.FRAME_TOO_LARGE,
        "frame length " + length + " is outside [" + Frames.HEADER_BYTES + ", " + max + "]",
        requestId);
  }
}
