package io.floe.client.impl;

import io.floe.client.ClientConfig;
import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends requests and retries those that are safe to retry: reads on any failure but a definite
 * answer; writes only when the node certainly did not apply them ({@code NOT_LEADER}, {@code
 * PARTITION_LOADING}, or a connection that could not be opened). A timed-out or cut-off write is
 * never retried: its outcome is unknown and the caller must decide.
 */
public final class Requests {
  private static final long BACKOFF_MILLIS = 5;

  private final ConnectionPool pool;
  private final ClientConfig config;

  public Requests(ConnectionPool pool, ClientConfig config) {
    this.pool = pool;
    this.config = config;
  }

  /** One attempt to {@code endpoint}; an error frame becomes a typed exception. */
  public CompletableFuture<Response> send(String endpoint, int hint, Request request) {
    long timeout = config.requestTimeout().toNanos();
    CompletableFuture<NodeConnection> connection = pool.connection(endpoint, hint);
    // The common case, an open connection, skips a future and a hop through thenCompose.
    CompletableFuture<Response> sent =
        connection.isDone() && !connection.isCompletedExceptionally()
            ? connection.join().send(request, timeout)
            : connection.thenCompose(c -> c.send(request, timeout));
    return sent.thenApply(Requests::unwrapError);
  }

  private static Response unwrapError(Response response) {
    if (response instanceof Response.Error e) {
      throw e.toException();
    }
    return response;
  }

  /**
   * Runs {@code attempt} (which re-reads routing each time) until it succeeds, fails for good, or
   * the attempts run out. {@code onNotLeader} updates routing before the next attempt.
   */
  public <T> CompletableFuture<T> withRetries(
      boolean idempotent,
      Supplier<CompletableFuture<T>> attempt,
      Consumer<NotLeaderException> onNotLeader) {
    CompletableFuture<T> result = new CompletableFuture<>();
    run(1, idempotent, attempt, onNotLeader, result);
    return result;
  }

  private <T> void run(
      int n,
      boolean idempotent,
      Supplier<CompletableFuture<T>> attempt,
      Consumer<NotLeaderException> onNotLeader,
      CompletableFuture<T> result) {
    attempt
        .get()
        .whenComplete(
            (value, error) -> {
              if (error == null) {
                result.complete(value);
                return;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof NotLeaderException nl) {
                onNotLeader.accept(nl);
              }
              if (n >= config.maxAttempts() || !retryable(cause, idempotent)) {
                result.completeExceptionally(cause);
                return;
              }
              CompletableFuture.delayedExecutor(
                      BACKOFF_MILLIS << (n - 1), TimeUnit.MILLISECONDS, pool.group())
                  .execute(() -> run(n + 1, idempotent, attempt, onNotLeader, result));
            });
  }

  static boolean retryable(Throwable cause, boolean idempotent) {
    if (cause instanceof FloeRequestException e) {
      return e.code() == ErrorCode.NOT_LEADER || e.code() == ErrorCode.PARTITION_LOADING;
    }
    if (cause instanceof FloeConnectionException e) {
      return idempotent || !e.sent();
    }
    return idempotent && cause instanceof FloeTimeoutException;
  }
}
