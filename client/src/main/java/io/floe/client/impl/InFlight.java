package io.floe.client.impl;

import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request frame awaiting its response: either one caller's request, or a batch frame coalesced
 * from several callers' writes, whose answer is fanned out to each. An error frame completes them
 * exceptionally, so callers meet it as they meet a connection's failure, without a stage of their
 * own to unwrap it.
 */
final class InFlight {
  final Opcode opcode;
  final long deadlineNanos;
  private final CompletableFuture<Response> single;
  private final List<CompletableFuture<Response>> coalesced;

  private InFlight(
      Opcode opcode,
      long deadlineNanos,
      CompletableFuture<Response> single,
      List<CompletableFuture<Response>> coalesced) {
    this.opcode = opcode;
    this.deadlineNanos = deadlineNanos;
    this.single = single;
    this.coalesced = coalesced;
  }

  static InFlight single(Opcode opcode, long deadline, CompletableFuture<Response> future) {
    return new InFlight(opcode, deadline, future, null);
  }

  static InFlight coalesced(long deadline, List<CompletableFuture<Response>> futures) {
    return new InFlight(Opcode.BATCH_WRITE, deadline, null, futures);
  }

  /** An error frame fails the request (every request of a batch frame) with its exception. */
  void complete(Response response) {
    if (response instanceof Response.Error error) {
      if (single != null) {
        single.completeExceptionally(error.toException());
      } else {
        coalesced.forEach(f -> f.completeExceptionally(error.toException()));
      }
    } else if (single != null) {
      single.complete(response);
    } else if (response instanceof Response.BatchWritten b) {
      for (int i = 0; i < coalesced.size(); i++) {
        coalesced.get(i).complete(new Response.Written(b.offsets()[i], 0));
      }
    } else {
      coalesced.forEach(f -> f.complete(response));
    }
  }

  void fail(Throwable error) {
    if (single != null) {
      single.completeExceptionally(error);
    } else {
      coalesced.forEach(f -> f.completeExceptionally(error));
    }
  }
}
