package io.floe.client;

/**
 * A request got no answer within its deadline. For a write the outcome is unknown: it may or may
 * not have applied, so the client never retries it by itself.
 */
public class FloeTimeoutException extends RuntimeException {
  public FloeTimeoutException(String message) {
    super(message);
  }
}
