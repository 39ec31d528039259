package io.floe.core.protocol;

/**
 * A request failed with one of the protocol's error codes. Thrown by the node's request handling
 * (and turned into an error frame) and by the client (built from an error frame). {@link #detail()}
 * carries the code-specific detail of the spec: the leader endpoint for {@code NOT_LEADER}, the
 * fencing term for {@code FENCED}, otherwise empty.
 */
public class FloeRequestException extends RuntimeException {
  private final ErrorCode code;
  private final String detail;

  public FloeRequestException(ErrorCode code, String message) {
    this(code, message, "");
  }

  public FloeRequestException(ErrorCode code, String message, String detail) {
    super(code + ": " + message);
    this.code = code;
    this.detail = detail == null ? "" : detail;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return detail;
  }

  /** The message without the code prefix, as sent on the wire. */
  public String reason() {
    String message = getMessage();
    return message.substring(code.name().length() + 2);
  }

  /** The typed exception for an error frame received from a node. */
  public static FloeRequestException fromWire(ErrorCode code, String message, String detail) {
    return switch (code) {
      case NOT_LEADER -> new NotLeaderException(message, detail);
      case FENCED -> new FencedException(message, parseTerm(detail));
      case CONDITION_FAILED -> new ConditionFailedException(message, parseVersion(detail));
      default -> new FloeRequestException(code, message, detail);
    };
  }

  private static long parseVersion(String detail) {
    try {
      return Long.parseLong(detail);
    } catch (NumberFormatException e) {
      return -1; // a node that broke the spec: the application cannot rely on the version
    }
  }

  private static long parseTerm(String detail) {
    try {
      return Long.parseLong(detail);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
