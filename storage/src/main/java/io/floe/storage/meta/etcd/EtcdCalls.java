package io.floe.storage.meta.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.floe.core.retry.Resilience;
import io.floe.core.retry.ResilienceSettings;
import io.floe.storage.meta.LeaseNotFoundException;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaStoreUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Puts a deadline on every etcd call and turns jetcd's and gRPC's failures into Floe's typed
 * exceptions, naming what was being done and the endpoints. Idempotent calls are retried through
 * Floe's one retry mechanism ({@link Resilience}, policy {@code etcd.retry.*}) while etcd is
 * unavailable; jetcd's own retries are off.
 */
final class EtcdCalls {
  private final Duration timeout;
  private final String endpoints;
  private final Resilience resilience;

  EtcdCalls(Duration timeout, String endpoints, ResilienceSettings retry) {
    this.timeout = timeout;
    this.endpoints = endpoints;
    this.resilience = Resilience.withoutBreaker("etcd", retry, EtcdCalls::isRetryable);
  }

  /** Only unavailability is worth another try; a missing lease or a refused call is an answer. */
  static boolean isRetryable(Throwable failure) {
    return failure instanceof MetaStoreUnavailableException;
  }

  /**
   * Runs a call that may safely be sent again (a read, a put of a value, a delete, a revocation):
   * each attempt within the call timeout, retried while etcd is unavailable.
   */
  <T> T idempotent(Supplier<CompletableFuture<T>> call, String what) {
    return resilience.call(() -> await(call.get(), what));
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Waits at most the call timeout for {@code call}, sent once (transactions, keep-alives: their
   * outcome may be unknown); cancels it when the deadline passes.
   */
  <T> T await(CompletableFuture<T> call, String what) {
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw unavailable(what + ": etcd did not answer within " + timeout, e);
    } catch (ExecutionException | CompletionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), what);
    } catch (CancellationException e) {
      throw new MetaStoreException(what + ": cancelled", false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new MetaStoreException(what + ": interrupted", false, e);
    }
  }

  /** Maps a failure of an etcd call to Floe's exceptions. */
  MetaStoreException translate(Throwable failure, String what) {
    Throwable cause = unwrap(failure);
    if (cause instanceof MetaStoreException) {
      return (MetaStoreException) cause;
    }
    String message = String.valueOf(cause.getMessage());
    if (message.contains("requested lease not found")) {
      return new LeaseNotFoundException(leaseIdIn(what), cause);
    }
    if (isUnavailable(cause) || message.contains("no leader")) {
      return unavailable(what + ": etcd unavailable (" + message + ")", cause);
    }
    if (cause instanceof TimeoutException) {
      return unavailable(what + ": etcd did not answer within " + timeout, cause);
    }
    return new MetaStoreException(what + ": " + message, false, cause);
  }

  private MetaStoreUnavailableException unavailable(String message, Throwable cause) {
    return new MetaStoreUnavailableException(
        message + " [endpoints " + endpoints + "]", timeout, cause);
  }

  private static boolean isUnavailable(Throwable cause) {
    Status.Code code = null;
    if (cause instanceof StatusRuntimeException) {
      code = ((StatusRuntimeException) cause).getStatus().getCode();
    } else if (cause instanceof EtcdException) {
      code = Status.Code.valueOf(((EtcdException) cause).getErrorCode().name());
    }
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.CANCELLED;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Lease calls name their lease as "lease <hex>" in {@code what}. */
  private static long leaseIdIn(String what) {
    int at = what.indexOf("lease ");
    if (at < 0) {
      return 0;
    }
    String rest = what.substring(at + 6).split("[^0-9a-fA-F]", 2)[0];
    try {
      return Long.parseUnsignedLong(rest, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
