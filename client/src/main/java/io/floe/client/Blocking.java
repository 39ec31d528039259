package io.floe.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The blocking face of the async API: waits and rethrows the failure itself, not a wrapper. */
public final class Blocking {
  private Blocking() {}

  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        cause.addSuppressed(new Exception("awaited here"));
        throw cause;
      }
      throw e;
    }
  }
}
