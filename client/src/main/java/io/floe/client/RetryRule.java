package io.floe.client;

import io.floe.core.protocol.FloeRequestException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The client's one rule for sending a failed request again ({@code data-protocol.md} §6), as small
 * named predicates. A request is sent again only when the failure may pass and sending it again
 * cannot apply it twice: any transient failure for a call that is safe to redo (reads, describe),
 * only a transient failure that certainly applied nothing for one that is not (puts, deletes,
 * batches, conditional writes and updates: a put sent twice could overwrite a later write of the
 * same key, a conditional write sent twice could fail on its own first success). A failed condition
 * ({@code CONDITION_FAILED}) is a definite answer, never retried.
 *
 * <p>Retries run with back-off until the request's deadline ({@link
 * ClientConfig#requestTimeout()}). Everything else reaches the application: a definite answer
 * ({@code SCHEMA_VIOLATION}, …), or an unknown outcome (a write that timed out or whose connection
 * broke after it was sent).
 */
public final class RetryRule {
  private RetryRule() {}

  /**
   * The node certainly applied nothing: it refused the request with any code but {@code INTERNAL},
   * or the connection failed before the request was sent.
   */
  public static boolean certainlyNotApplied(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof FloeRequestException refused) {
      return refused.code().certainlyNotApplied();
    }
    return cause instanceof FloeConnectionException broken && !broken.sent();
  }

  /**
   * The same request may succeed if sent again: a transient refusal ({@code NOT_LEADER}, {@code
   * PARTITION_LOADING}, {@code MEMORY_LIMIT}), a connection failure, or a timeout.
   */
  public static boolean isTransient(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof FloeRequestException refused) {
      return refused.code().retryable();
    }
    return cause instanceof FloeConnectionException || cause instanceof FloeTimeoutException;
  }

  /** Retry a call that is safe to redo (a read): whenever the failure may pass. */
  public static boolean isRetryableForSafeRedoOp(Throwable failure) {
    return isTransient(failure);
  }

  /** Retry a call that must not apply twice (a write): only if it may pass and applied nothing. */
  public static boolean isRetryableForNoSafeRedoOp(Throwable failure) {
    return isTransient(failure) && certainlyNotApplied(failure);
  }

  /**
   * {@link #isRetryableForSafeRedoOp} or {@link #isRetryableForNoSafeRedoOp} by {@code idempotent}.
   */
  public static boolean isRetryable(Throwable failure, boolean idempotent) {
    return idempotent ? isRetryableForSafeRedoOp(failure) : isRetryableForNoSafeRedoOp(failure);
  }

  private static Throwable unwrap(Throwable failure) {
    boolean wrapper =
        failure instanceof CompletionException || failure instanceof ExecutionException;
    return wrapper && failure.getCause() != null ? failure.getCause() : failure;
  }
}
