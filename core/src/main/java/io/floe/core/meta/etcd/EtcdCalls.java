package io.floe.core.meta.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.floe.core.meta.LeaseNotFoundException;
import io.floe.core.meta.MetaStoreException;
import io.floe.core.meta.MetaStoreUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts a deadline on every etcd call and turns jetcd's and gRPC's failures into Floe's typed
 * exceptions, naming what was being done and the endpoints.
 */
final class EtcdCalls {
  private final Duration timeout;
  private final String endpoints;

  EtcdCalls(Duration timeout, String endpoints) {
    this.timeout = timeout;
    this.endpoints = endpoints;
  }

  Duration timeout() {
    return timeout;
  }

  /** Waits at most the call timeout for {@code call}; cancels it when the deadline passes. */
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
