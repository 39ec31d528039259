package io.floe.controlplane.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Operations in etcd: created with the next id of {@code seq/op} in one guarded transaction, and
 * changed only by a write guarded on the revision read, so two control planes that both believe
 * they lead (one of them about to learn otherwise) never interleave their steps unnoticed.
 */
public final class OperationStore {
  static final String KIND = "operation";
  private static final String SEQUENCE = "op";

  private final MetaStore store;
  private final MetaKeys keys;
  private final LongSupplier clock;

  public OperationStore(MetaStore store, MetaKeys keys, LongSupplier clock) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
  }

  /** An operation with the revision of its key, for the next guarded write. */
  public record Stored(Operation op, long modRevision) {}

  /** Stores a new operation ({@code inited}) and answers it with its id. */
  public Stored create(
      OpType type, String table, int pid, String firstTask, Map<String, String> params) {
    String seqKey = keys.sequence(SEQUENCE);
    for (int attempt = 0; attempt < 20; attempt++) {
      Optional<MetaEntry> seq = store.get(seqKey);
      long next = seq.map(e -> Long.parseLong(new String(e.value())) + 1).orElse(1L);
      Operation op =
          new Operation(
              next,
              type,
              table,
              pid,
              OpStatus.inited,
              clock.getAsLong(),
              Optional.empty(),
              firstTask,
              Optional.empty(),
              params);
      String key = keys.operation(next);
      var txn = store.txn();
      if (seq.isPresent()) {
        txn.ifModRevision(seqKey, seq.get().modRevision());
      } else {
        txn.ifAbsent(seqKey);
      }
      var result =
          txn.ifAbsent(key).put(seqKey, Long.toString(next)).put(key, toBytes(op)).commit();
      if (result.committed()) {
        return new Stored(op, result.revision());
      }
    }
    throw new IllegalStateException("could not allocate an operation id: too much contention");
  }

  public Optional<Stored> get(long id) {
    Optional<MetaEntry> open = store.get(keys.operation(id));
    if (open.isPresent()) {
      return open.map(e -> new Stored(fromBytes(e.value()), e.modRevision()));
    }
    return store
        .get(keys.endedOperation(id))
        .map(e -> new Stored(fromBytes(e.value()), e.modRevision()));
  }

  /**
   * The operations not ended yet, oldest first: what the engine and failover read on every pass, so
   * their cost does not grow with the history.
   */
  public List<Stored> open() {
    List<Stored> out = new ArrayList<>();
    for (MetaEntry e : store.getPrefix(keys.operationsPrefix()).entries()) {
      Stored s = new Stored(fromBytes(e.value()), e.modRevision());
      if (!s.op().status().ended()) {
        out.add(s); // an ended one here was written before ended operations moved
      }
    }
    return out;
  }

  /** Every stored operation, open and ended, oldest first. */
  public List<Stored> all() {
    java.util.TreeMap<Long, Stored> byId = new java.util.TreeMap<>();
    // Open ones first: one that ends between the two reads moves to ops-ended/ and is read there
    // (its ended state replacing the open one). The other order missed it in both.
    for (String prefix : List.of(keys.operationsPrefix(), keys.endedOperationsPrefix())) {
      for (MetaEntry e : store.getPrefix(prefix).entries()) {
        Stored s = new Stored(fromBytes(e.value()), e.modRevision());
        byId.put(s.op().id(), s);
      }
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * Replaces {@code read} by {@code next}; empty when the operation changed since it was read
   * (another control plane, or a cancel, moved it). An operation that ends moves, in the same
   * transaction, from {@code ops/} to {@code ops-ended/}, where nothing changes it again.
   */
  public Optional<Stored> update(Stored read, Operation next) {
    String key = keys.operation(next.id());
    var txn = store.txn().ifModRevision(key, read.modRevision());
    if (next.status().ended()) {
      txn.delete(key).put(keys.endedOperation(next.id()), toBytes(next));
    } else {
      txn.put(key, toBytes(next));
    }
    var result = txn.commit();
    return result.committed() ? Optional.of(new Stored(next, result.revision())) : Optional.empty();
  }

  static byte[] toBytes(Operation op) {
    ObjectNode n = Json.object();
    n.put("format-version", 1);
    n.put("id", op.id());
    n.put("type", op.type().name());
    n.put("table", op.table());
    n.put("pid", op.pid());
    n.put("status", op.status().name());
    n.put("start-time-ms", op.startTimeMs());
    op.endTimeMs().ifPresent(t -> n.put("end-time-ms", t));
    n.put("cur-task", op.curTask());
    op.reason().ifPresent(r -> n.put("reason", r));
    ObjectNode params = n.putObject("params");
    op.params().forEach(params::put);
    return Json.writeBytes(n);
  }

  static Operation fromBytes(byte[] utf8) {
    JsonObject n = JsonObject.root(KIND, Json.read(KIND, utf8));
    n.formatVersion(Set.of(1));
    Map<String, String> params = new TreeMap<>();
    if (n.has("params")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.node("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        params.put(f.getKey(), f.getValue().asText());
      }
    }
    return new Operation(
        n.longValue("id"),
        OpType.valueOf(n.string("type")),
        n.string("table"),
        n.integer("pid"),
        OpStatus.valueOf(n.string("status")),
        n.longValue("start-time-ms"),
        n.optionalLong("end-time-ms"),
        n.string("cur-task"),
        n.optionalString("reason"),
        params);
  }
}
