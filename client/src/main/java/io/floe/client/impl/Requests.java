package io.floe.client.impl;

import io.floe.client.Blocking;
import io.floe.client.ClientConfig;
import io.floe.client.FloeConnectionException;
import io.floe.client.RetryRule;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.retry.AsyncResilience;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends requests, each ending by its deadline, and retries them through the one retry mechanism
 * ({@link AsyncResilience}, policy from {@link ClientConfig#retry()}) as {@link RetryRule} allows:
 * reads after any transient failure, writes only when the node certainly did not apply them. The
 * retry machinery is entered only once an attempt has failed, so a request that succeeds at once
 * costs nothing more than its attempt.
 */
public final class Requests {
  /**
   * Set while a blocking call builds its request: its attempts then run on the caller's thread.
   * Attempts made elsewhere (retries scheduled on the event loop, async calls) stay pipelined.
   */
  private static final ThreadLocal<boolean[]> CALLER_WAITS =
      ThreadLocal.withInitial(() -> new boolean[1]);

  private final ConnectionPool pool;
  private final BlockingPool blocking; // null: blocking calls wait on the pipelined connections
  private final long timeoutNanos;
  private final AsyncResilience reads;
  private final AsyncResilience writes;
  private final long suspectAfterNanos;
  private final ConcurrentHashMap<String, Long> suspectedUntil = new ConcurrentHashMap<>();
  private final List<TableRouting> routings = new CopyOnWriteArrayList<>();
  private final Set<String> rechecking = ConcurrentHashMap.newKeySet();

  /**
   * How many suspect intervals a suspicion lasts: long enough to cover a failover (a table is
   * described from the other seeds first meanwhile), short enough that a node back from a pause is
   * soon a seed like the others again.
   */
  static final int SUSPICION_INTERVALS = 5;

  public Requests(ConnectionPool pool, ClientConfig config) {
    this.pool = pool;
    this.timeoutNanos = config.requestTimeout().toNanos();
    this.blocking = pool.blocking();
    this.reads =
        AsyncResilience.of(
            "floe-client-reads", config.retry(), RetryRule::isRetryableForSafeRedoOp, pool.group());
    this.writes =
        AsyncResilience.of(
            "floe-client-writes",
            config.retry(),
            RetryRule::isRetryableForNoSafeRedoOp,
            pool.group());
    this.suspectAfterNanos = config.suspectAfter().toNanos();
    pool.onSilent(this::silent);
  }

  /** Follows {@code routing}'s table when a node it routes to falls silent. */
  void register(TableRouting routing) {
    routings.add(routing);
  }

  /** Whether {@code endpoint} left requests unanswered or timed out lately. */
  boolean suspected(String endpoint) {
    Long until = suspectedUntil.get(endpoint);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until >= 0) {
      suspectedUntil.remove(endpoint, until);
      return false;
    }
    return true;
  }

  /** {@code endpoint} left requests unanswered or timed out: ask other seeds first for a while. */
  void suspect(String endpoint) {
    suspectedUntil.put(endpoint, System.nanoTime() + SUSPICION_INTERVALS * suspectAfterNanos);
  }

  /**
   * A node left requests unanswered for the suspect interval (on an event loop): every table this
   * client uses is described again, other seeds first. When a description names another leader for
   * a partition it led, or it leads no partition of any of them (the requests went to it as a seed,
   * or to a leader since moved), the requests waiting on it are given up now — they would only time
   * out: a deposed leader acknowledges nothing more — and the next attempts go to the new leader.
   * Called again each interval while the silence lasts, since the partition may move only later. A
   * client that uses no table (an admin client) gives up nothing early.
   */
  private void silent(String endpoint) {
    suspect(endpoint);
    if (routings.isEmpty()) {
      // No table to look at (an admin client): nothing can tell a silent node from a long call —
      // a hand-over answers once its target caught up — so the requests wait for their deadline.
      return;
    }
    if (!rechecking.add(endpoint)) {
      return; // a look is under way
    }
    List<CompletableFuture<TableRouting.Look>> looks = new ArrayList<>();
    for (TableRouting routing : routings) {
      looks.add(routing.recheck(endpoint));
    }
    String silence =
        "it answered nothing for " + TimeUnit.NANOSECONDS.toMillis(suspectAfterNanos) + " ms and ";
    CompletableFuture.allOf(looks.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, error) -> {
              rechecking.remove(endpoint);
              boolean leadsAny = false;
              for (CompletableFuture<TableRouting.Look> f : looks) {
                TableRouting.Look look = f.getNow(new TableRouting.Look(null, true));
                if (look.moved() != null) {
                  pool.abandon(endpoint, silence + look.moved());
                  return;
                }
                leadsAny |= look.leads();
              }
              if (!leadsAny) {
                pool.abandon(
                    endpoint, silence + "leads no partition of the tables this client uses");
              }
            });
  }

  /** The deadline ({@link System#nanoTime()} scale) of a request starting now. */
  public long deadline() {
    return System.nanoTime() + timeoutNanos;
  }

  /** One attempt to {@code endpoint}, ending by a deadline starting now. */
  public CompletableFuture<Response> send(String endpoint, int hint, Request request) {
    return send(endpoint, hint, request, deadline());
  }

  /**
   * The blocking face of an async call: waits for {@code call}'s result. With {@link
   * ClientConfig#callerThreadIo()}, the call's first attempts run on this thread over a plain
   * socket, so its future is usually complete when {@code call} returns; failures go through the
   * same retry path as async calls.
   */
  public <T> T join(Supplier<CompletableFuture<T>> call) {
    if (blocking == null) {
      return Blocking.join(call.get());
    }
    boolean[] callerWaits = CALLER_WAITS.get();
    CompletableFuture<T> result;
    callerWaits[0] = true;
    try {
      result = call.get();
    } finally {
      callerWaits[0] = false;
    }
    return Blocking.join(result);
  }

  /**
   * A blocking call without a future of its own: waits for {@code attempt}'s answer (with {@link
   * ClientConfig#callerThreadIo()}, made on this thread), and only when it fails goes on through
   * {@code recover} (routing corrected, retries as {@link RetryRule} allows), as the async path
   * does. The answer is then handled on the caller's thread rather than the event loop's.
   */
  public <T> T await(
      Supplier<CompletableFuture<T>> attempt, Function<Throwable, CompletableFuture<T>> recover) {
    CompletableFuture<T> first;
    if (blocking == null) {
      first = attempt.get();
    } else {
      boolean[] callerWaits = CALLER_WAITS.get();
      callerWaits[0] = true;
      try {
        first = attempt.get();
      } finally {
        callerWaits[0] = false;
      }
    }
    Throwable failure;
    try {
      return first.join();
    } catch (CompletionException e) {
      failure = e.getCause() == null ? e : e.getCause();
    } catch (CancellationException e) {
      failure = e;
    }
    return Blocking.join(recover.apply(failure));
  }

  /**
   * Opens connections to {@code endpoint} ahead of the first request, pipelined ones for {@code
   * hints} and a blocking one, and sends it a ping; failures are left for the first request to
   * report.
   */
  public void warmUp(String endpoint, int hints) {
    for (int hint = 0; hint < hints; hint++) {
      pool.connection(endpoint, hint);
    }
    if (blocking != null) {
      try {
        blocking.warmUp(endpoint, new Request.Ping(), deadline());
      } catch (RuntimeException e) {
        // the first request to this node connects again and reports what is wrong
      }
    }
  }

  /** One attempt to {@code endpoint} ending by {@code deadlineNanos}; an error frame fails it. */
  public CompletableFuture<Response> send(
      String endpoint, int hint, Request request, long deadlineNanos) {
    if (blocking != null && CALLER_WAITS.get()[0]) {
      try {
        return CompletableFuture.completedFuture(
            blocking.send(endpoint, hint, request, deadlineNanos));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<NodeConnection> connection = pool.connection(endpoint, hint);
    // The common case, an open connection, skips a future and a hop through thenCompose.
    return connection.isDone() && !connection.isCompletedExceptionally()
        ? connection.join().send(request, deadlineNanos)
        : sendOnceConnected(endpoint, connection, request, deadlineNanos);
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
