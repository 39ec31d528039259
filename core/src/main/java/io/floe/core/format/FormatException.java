package io.floe.core.format;

/**
 * A persisted document or encoded value does not follow its format (schemas/spec.md): a missing or
 * mistyped member, a truncated or malformed encoding. The message names the document kind and the
 * member or position at fault. Never retryable: the bytes will not change.
 */
public class FormatException extends RuntimeException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
