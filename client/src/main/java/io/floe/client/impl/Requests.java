package io.floe.client.impl;

import io.floe.client.ClientConfig;
import io.floe.client.FloeConnectionException;
import io.floe.client.RetryRule;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.retry.AsyncResilience;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Sends requests, each ending by its deadline, and retries them through the one retry mechanism
 * ({@link AsyncResilience}, policy from {@link ClientConfig#retry()}) as {@link RetryRule} allows:
 * reads after any transient failure, writes only when the node certainly did not apply them. The
 * retry machinery is entered only once an attempt has failed, so a request that succeeds at once
 * costs nothing more than its attempt.
 */
public final class Requests {
  private final ConnectionPool pool;
  private final long timeoutNanos;
  private final AsyncResilience reads;
  private final AsyncResilience writes;

  public Requests(ConnectionPool pool, ClientConfig config) {
    this.pool = pool;
    this.timeoutNanos = config.requestTimeout().toNanos();
    this.reads =
        AsyncResilience.of(
            "floe-client-reads", config.retry(), RetryRule::isRetryableForSafeRedoOp, pool.group());
    this.writes =
        AsyncResilience.of(
            "floe-client-writes",
            config.retry(),
            RetryRule::isRetryableForNoSafeRedoOp,
            pool.group());
  }

  /** The deadline ({@link System#nanoTime()} scale) of a request starting now. */
  public long deadline() {
    return System.nanoTime() + timeoutNanos;
  }

  /** One attempt to {@code endpoint}, ending by a deadline starting now. */
  public CompletableFuture<Response> send(String endpoint, int hint, Request request) {
    return send(endpoint, hint, request, deadline());
  }

  /** One attempt to {@code endpoint} ending by {@code deadlineNanos}; an error frame fails it. */
  public CompletableFuture<Response> send(
      String endpoint, int hint, Request request, long deadlineNanos) {
    CompletableFuture<NodeConnection> connection = pool.connection(endpoint, hint);
    // The common case, an open connection, skips a future and a hop through thenCompose.
    CompletableFuture<Response> sent =
        connection.isDone() && !connection.isCompletedExceptionally()
            ? connection.join().send(request, deadlineNanos)
            : sendOnceConnected(endpoint, connection, request, deadlineNanos);
    return sent.thenApply(Requests::unwrapError);
  }

  /**
   * Connecting may take longer than the request may (the connect timeout is its own setting): the
   * request fails, unsent, at its deadline, and is not sent when the connection comes later.
   */
  private CompletableFuture<Response> sendOnceConnected(
      String endpoint,
      CompletableFuture<NodeConnection> connection,
      Request request,
      long deadlineNanos) {
    AtomicBoolean decided = new AtomicBoolean();
    CompletableFuture<Response> result = new CompletableFuture<>();
    pool.group()
        .schedule(
            () -> {
              if (decided.compareAndSet(false, true)) {
                result.completeExceptionally(
                    new FloeConnectionException(
                        "no connection to " + endpoint + " within the request deadline",
                        false,
                        null));
              }
            },
            Math.max(0, deadlineNanos - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    connection.whenComplete(
        (c, error) -> {
          if (!decided.compareAndSet(false, true)) {
            return;
          }
          if (error != null) {
            result.completeExceptionally(error);
          } else {
            c.send(request, deadlineNanos).whenComplete(Requests.into(result));
          }
        });
    return result;
  }

  private static <T> BiConsumer<T, Throwable> into(CompletableFuture<T> target) {
    return (value, error) -> {
      if (error != null) {
        target.completeExceptionally(error);
      } else {
        target.complete(value);
      }
    };
  }

  private static Response unwrapError(Response response) {
    if (response instanceof Response.Error e) {
      throw e.toException();
    }
    return response;
  }

  /**
   * Continues a request whose first attempt failed with {@code firstFailure}: runs {@code attempt}
   * (which re-reads routing each time) with back-off until it succeeds, fails in a way {@link
   * RetryRule} does not retry, or the next attempt could not start before {@code deadlineNanos}.
   */
  public <T> CompletableFuture<T> retryAfter(
      Throwable firstFailure,
      boolean idempotent,
      Supplier<CompletableFuture<T>> attempt,
      long deadlineNanos) {
    return (idempotent ? reads : writes).retryAfter(firstFailure, attempt, deadlineNanos);
  }
}
