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
  private final Map<String, Pending> byTable = new LinkedHashMap<>();

  WriteCoalescer(int maxBatch, BiConsumer<Request, InFlight> sink) {
    this.maxBatch = maxBatch;
    this.sink = sink;
  }

  /** Takes the request if it is a write; false for anything else. */
  boolean offer(Outgoing out) {
    String table;
    Write write;
    if (out.request() instanceof Put p) {
      table = p.table();
      write = Write.put(p.row());
    } else if (out.request() instanceof Delete d) {
      table = d.table();
      write = Write.delete(d.key());
    } else {
      return false;
    }
    Pending pending = byTable.computeIfAbsent(table, t -> new Pending());
    pending.add(out, write);
    if (pending.writes.size() >= maxBatch) {
      emit(table, byTable.remove(table));
    }
    return true;
  }

  void finish() {
    byTable.forEach(this::emit);
    byTable.clear();
  }

  private void emit(String table, Pending pending) {
    if (pending.writes.size() == 1) {
      Outgoing only = pending.originals.get(0);
      sink.accept(
          only.request(),
          InFlight.single(only.request().opcode(), only.deadlineNanos(), only.future()));
      return;
    }
    sink.accept(
        new BatchWrite(table, pending.writes),
        InFlight.coalesced(pending.deadline, pending.futures));
  }

  private static final class Pending {
    final List<Write> writes = new ArrayList<>();
    final List<Outgoing> originals = new ArrayList<>();
    final List<CompletableFuture<Response>> futures = new ArrayList<>();
    long deadline = Long.MAX_VALUE;

    void add(Outgoing out, Write write) {
      writes.add(write);
      originals.add(out);
      futures.add(out.future());
      deadline =
          originals.size() == 1 ? out.deadlineNanos() : Math.min(deadline, out.deadlineNanos());
    }
  }
}
