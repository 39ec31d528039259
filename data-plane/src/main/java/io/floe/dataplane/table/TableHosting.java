package io.floe.dataplane.table;

import io.floe.core.clock.HybridLogicalClock;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.CreateTableValidator;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.RowExpiry;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.wal.WalSink;
import io.floe.dataplane.wal.WalSinks;
import io.floe.storage.catalog.CatalogTable;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and releases the tables and partition replicas this node hosts. Two ways in: the
 * assignment watch ({@code io.floe.dataplane.cluster}) calls {@link #host}, {@link #openPartition}
 * and {@link #releasePartition} as etcd's desired state changes; without etcd, a {@code
 * CREATE_TABLE} admin request makes this node the leader (term 1) of every partition of a new,
 * empty table (the pre-control-plane seam). Every new replica goes through the {@link
 * PartitionLoader}, so loading from S3 hooks in at one place.
 */
public final class TableHosting {
  private static final Logger LOG = LoggerFactory.getLogger(TableHosting.class);

  /** Upper bound on partitions per table, to keep a bad request from allocating wildly. */
  public static final int MAX_PARTITIONS = CreateTableValidator.MAX_PARTITIONS;

  private final TableRegistry registry;
  private final MemoryBudget budget;
  private final WalSinks sinks;
  private final Executor loading;
  private volatile ReplicaLoader loader;
  private volatile Replication replication;

  /** TTL changes already warned about, as {@code tid/ttl}. */
  private final Set<String> ignoredTtls = ConcurrentHashMap.newKeySet();

  /** Tables made by {@link #create} whose partitions are still loading, with their answer. */
  private final Map<HostedTable, CompletableFuture<HostedTable>> creating =
      new ConcurrentHashMap<>();

  public TableHosting(TableRegistry registry, MemoryBudget budget, WalSinks sinks) {
    this(registry, budget, sinks, ReplicaLoader.EMPTY, Runnable::run);
  }

  /**
   * Every replica created here goes through {@code loader} (from S3, when the node has it) before
   * it serves; until then requests get {@code PARTITION_LOADING}. The {@code CREATE_TABLE} seam
   * loads its partitions on {@code loading} and answers when they all take writes.
   */
  public TableHosting(
      TableRegistry registry,
      MemoryBudget budget,
      WalSinks sinks,
      ReplicaLoader loader,
      Executor loading) {
    this.registry = registry;
    this.budget = budget;
    this.sinks = sinks;
    this.loader = loader;
    this.loading = loading;
  }

  /**
   * Partitions of tables with two replicas or more get a replicated sink from {@code replication}
   * (null: this node does not replicate, every partition gets its mode's plain sink).
   */
  public void setReplication(Replication replication) {
    this.replication = replication;
  }

  /** The node's replication, or null when it does not replicate. */
  public Replication replication() {
    return replication;
  }

  private WalSink sinkFor(HostedTable table, int pid) {
    Replication r = replication;
    Durability mode = table.durability();
    if (r != null && (table.replicas() > 1 || mode == Durability.REPLICATED)) {
      if (mode != Durability.REPLICATED) {
        sinks.sinkFor(mode); // refuses a mode this node cannot honour (s3 without S3)
      }
      return r.sinkFor(table.tableId(), pid, mode);
    }
    return sinks.sinkFor(mode);
  }

  /** Replaces how new replicas are filled before they serve (default: empty). */
  public void setLoader(ReplicaLoader loader) {
    this.loader = loader;
  }

  /**
   * The hosted table {@code definition} describes, registered with no replica yet if it was not
   * hosted. A hosted table of that name with another id (dropped and re-created) is refused: the
   * caller releases the old one first.
   */
  public HostedTable host(CatalogTable definition) {
    if (definition.partitions() > MAX_PARTITIONS) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "partitions must be at most " + MAX_PARTITIONS + ", found " + definition.partitions());
    }
    HostedTable table =
        new HostedTable(
            definition.fullName(),
            definition.tid(),
            definition.schema(),
            definition.durability(),
            definition.replicas(),
            definition.ttlMs(),
            new Partition[definition.partitions()],
            budget);
    HostedTable registered = registry.addIfAbsent(table);
    if (registered.tableId() != definition.tid()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "table '" + definition.fullName() + "' is hosted with id " + registered.tableId());
    }
    warnIfTtlChanged(registered, definition);
    return registered;
  }

  /**
   * A TTL change of a hosted table is not applied (spec.md §14.10): lengthening it would bring back
   * rows this node may already have swept. Said once per table and TTL.
   */
  private void warnIfTtlChanged(HostedTable hosted, CatalogTable definition) {
    if (!hosted.ttlMs().equals(definition.ttlMs())
        && ignoredTtls.add(hosted.tableId() + "/" + definition.ttlMs())) {
      LOG.warn(
          "table {} (tid {}): its definition now says ttl-ms {}, but a table's TTL cannot change"
              + " while it is hosted; this node keeps {}",
          definition.fullName(),
          definition.tid(),
          ttlText(definition.ttlMs()),
          ttlText(hosted.ttlMs()));
    }
  }

  private static String ttlText(OptionalLong ttlMs) {
    return ttlMs.isPresent() ? Long.toString(ttlMs.getAsLong()) : "none";
  }

  /**
   * Creates replica {@code pid} of {@code table} with its role set by {@code roleSetter} (leader or
   * follower in the assigned term), fills it through the loader, and installs it; a replica already
   * installed and not offline is returned as it is. On a load failure the replica stays installed,
   * offline with the reason and holding nothing, and the error is rethrown.
   */
  public Partition openPartition(HostedTable table, int pid, Consumer<Partition> roleSetter) {
    Partition existing = table.partitionOrNull(pid);
    if (existing != null && existing.status().state() != PartitionState.OFFLINE) {
      return existing;
    }
    Partition partition = installPartition(table, pid, roleSetter);
    loadPartition(table, partition);
    return partition;
  }

  /**
   * Installs a new replica {@code pid} of {@code table}, {@code LOADING} (requests get {@code
   * PARTITION_LOADING}), with its role set by {@code roleSetter}, in place of whatever was
   * installed (a replica that failed to load and holds nothing). Fill it with {@link
   * #loadPartition}, on any thread.
   */
  public Partition installPartition(HostedTable table, int pid, Consumer<Partition> roleSetter) {
    Partition partition =
        new Partition(
            table.tableId(),
            pid,
            budget,
            sinkFor(table, pid),
            RowExpiry.of(table.ttlMs(), HybridLogicalClock::systemMicros));
    roleSetter.accept(partition);
    Partition replaced = table.partitionOrNull(pid);
    table.setPartition(pid, partition);
    if (replaced != null) {
      replaced.drop();
    }
    return partition;
  }

  /**
   * Fills an installed replica through the loader. On failure it stays installed, offline with the
   * reason and holding nothing (recovery.md §4: every request to it gets that reason), and the
   * error is rethrown.
   */
  public void loadPartition(HostedTable table, Partition partition) {
    try {
      loader.load(table, partition);
    } catch (RuntimeException e) {
      if (partition.status().state() != PartitionState.OFFLINE) {
        partition.failLoad(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      throw e;
    }
  }

  /** Stops serving replica {@code pid} and gives back its memory; drops the table when empty. */
  public void releasePartition(HostedTable table, int pid) {
    Partition partition = table.partitionOrNull(pid);
    if (partition != null) {
      table.setPartition(pid, null);
      Replication r = replication;
      if (r != null) {
        r.stopLeading(partition, partition.role().term());
      }
      partition.drop();
    }
    if (table.holdsNoPartition()) {
      registry.remove(table);
    }
  }

  /**
   * The pre-control-plane seam: hosts a new, empty table whose every partition this node leads in
   * term 1. The future completes when every partition takes writes, or fails naming the first
   * partition that could not be loaded and why; loading runs on the loading executor, never on the
   * caller's thread. Repeating a creation (same name, id and definition) gives the same answer; a
   * different table of that name is refused at once.
   */
  public CompletableFuture<HostedTable> create(CreateTable request) {
    Schema schema = CreateTableValidator.validate(request);
    WalSink sink = sinkForCreate(request);
    HostedTable existing = registry.find(request.table());
    if (existing != null) {
      return whenWritable(sameTable(existing, request, schema));
    }
    Partition[] partitions = new Partition[request.partitions()];
    for (int pid = 0; pid < partitions.length; pid++) {
      partitions[pid] = new Partition(request.tableId(), pid, budget, sink);
      partitions[pid].becomeLeader(1);
    }
    HostedTable table =
        new HostedTable(
            request.table(), request.tableId(), schema, request.durability(), partitions, budget);
    // Known as being created before it is visible, so a repeated request waits for the same loads.
    CompletableFuture<HostedTable> answer = new CompletableFuture<>();
    creating.put(table, answer);
    HostedTable registered = registry.addIfAbsent(table);
    if (registered != table) {
      creating.remove(table);
      return whenWritable(sameTable(registered, request, schema));
    }
    loadAll(table, partitions)
        .whenComplete(
            (loaded, failure) -> {
              creating.remove(table);
              if (failure == null) {
                answer.complete(loaded);
              } else {
                answer.completeExceptionally(failure);
              }
            });
    return answer;
  }

  private CompletableFuture<HostedTable> loadAll(HostedTable table, Partition[] partitions) {
    CompletableFuture<?>[] loads = new CompletableFuture<?>[partitions.length];
    for (int pid = 0; pid < partitions.length; pid++) {
      Partition partition = partitions[pid];
      loads[pid] = loadOne(table, partition);
    }
    return CompletableFuture.allOf(loads).thenApply(ignored -> table);
  }

  private CompletableFuture<Void> loadOne(HostedTable table, Partition partition) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loading.execute(
          () -> {
            try {
              loader.load(table, partition);
              done.complete(null);
            } catch (RuntimeException e) {
              // The loader logged it and left the partition offline with its reason.
              done.completeExceptionally(loadFailed(table, partition, e));
            }
          });
    } catch (RejectedExecutionException e) {
      partition.failLoad("the node is shutting down");
      done.completeExceptionally(loadFailed(table, partition, e));
    }
    return done;
  }

  private static FloeRequestException loadFailed(
      HostedTable table, Partition partition, Exception cause) {
    return new FloeRequestException(
        ErrorCode.PARTITION_NOT_FOUND,
        "table '"
            + table.name()
            + "' was created but partition "
            + partition.id()
            + " could not be loaded: "
            + cause.getMessage());
  }

  /** Answers a repeated creation like the first: when the table takes writes, or why not. */
  private CompletableFuture<HostedTable> whenWritable(HostedTable table) {
    CompletableFuture<HostedTable> inProgress = creating.get(table);
    if (inProgress != null) {
      return inProgress;
    }
    for (int pid = 0; pid < table.partitionCount(); pid++) {
      Partition partition = table.partitionOrNull(pid);
      if (partition == null || partition.role().state() != PartitionState.NORMAL) {
        return CompletableFuture.failedFuture(notServing(table, pid, partition));
      }
    }
    return CompletableFuture.completedFuture(table);
  }

  private static FloeRequestException notServing(HostedTable table, int pid, Partition partition) {
    String what = "table '" + table.name() + "': partition " + pid;
    if (partition == null) {
      return new FloeRequestException(ErrorCode.PARTITION_NOT_FOUND, what + " is not on this node");
    }
    if (partition.role().state() == PartitionState.LOADING) {
      return new FloeRequestException(ErrorCode.PARTITION_LOADING, what + " is loading");
    }
    return new FloeRequestException(
        ErrorCode.PARTITION_NOT_FOUND, what + " is offline: " + partition.role().offlineReason());
  }

  /** The hosted table when the request describes exactly it; any other table is refused. */
  private static HostedTable sameTable(HostedTable existing, CreateTable request, Schema schema) {
    if (existing.tableId() != request.tableId()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "table: '" + request.table() + "' exists with id " + existing.tableId());
    }
    if (!existing.schema().equals(schema)
        || existing.partitionCount() != request.partitions()
        || existing.durability() != request.durability()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "table: '"
              + request.table()
              + "' (id "
              + request.tableId()
              + ") exists with another schema, partition count or durability");
    }
    return existing;
  }

  /** A durability mode this node cannot honour is the request's problem, not the node's. */
  private WalSink sinkForCreate(CreateTable request) {
    try {
      return sinks.sinkFor(request.durability());
    } catch (FloeRequestException e) {
      throw new FloeRequestException(ErrorCode.MALFORMED_REQUEST, "durability: " + e.reason());
    }
  }
}
