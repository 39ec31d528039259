package io.floe.client.impl;

import io.floe.core.protocol.Request;
import io.floe.core.protocol.Request.BatchWrite;
import io.floe.core.protocol.Request.Delete;
import io.floe.core.protocol.Request.Put;
import io.floe.core.protocol.Request.Write;
import io.floe.core.protocol.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Client-side batching without added latency: puts and deletes queued for the same table during one
 * drain of a connection become one batch frame (in arrival order, so writes to a key keep their
 * order). A lone write goes out as itself. Nothing waits for a batch to fill.
 */
final class WriteCoalescer {
  private final int maxBatch;
  private final BiConsumer<Request, InFlight> sink;
  // Allocated on the first write of a drain: most drains of a read-heavy client have none.
  private Map<String, List<Outgoing>> byTable;

  WriteCoalescer(int maxBatch, BiConsumer<Request, InFlight> sink) {
    this.maxBatch = maxBatch;
    this.sink = sink;
  }

  /** Takes the request if it is a write; false for anything else. */
  boolean offer(Outgoing out) {
    String table;
    if (out.request() instanceof Put p) {
      table = p.table();
    } else if (out.request() instanceof Delete d) {
      table = d.table();
    } else {
      return false;
    }
    if (byTable == null) {
      byTable = new LinkedHashMap<>();
    }
    List<Outgoing> pending = byTable.computeIfAbsent(table, t -> new ArrayList<>());
    pending.add(out);
    if (pending.size() >= maxBatch) {
      emit(table, byTable.remove(table));
    }
    return true;
  }

  void finish() {
    if (byTable != null) {
      byTable.forEach(this::emit);
      byTable.clear();
    }
  }

  /** A lone write goes out as itself; several become one batch frame, built only then. */
  private void emit(String table, List<Outgoing> pending) {
    if (pending.size() == 1) {
      Outgoing only = pending.get(0);
      sink.accept(
          only.request(),
          InFlight.single(only.request().opcode(), only.deadlineNanos(), only.future()));
      return;
    }
    List<Write> writes = new ArrayList<>(pending.size());
    List<CompletableFuture<Response>> futures = new ArrayList<>(pending.size());
    long deadline = Long.MAX_VALUE;
    for (Outgoing out : pending) {
      writes.add(
          out.request() instanceof Put p
              ? Write.put(p.row())
              : Write.delete(((Delete) out.request()).key()));
      futures.add(out.future());
      deadline = Math.min(deadline, out.deadlineNanos());
    }
    sink.accept(new BatchWrite(table, writes), InFlight.coalesced(deadline, futures));
  }
}
