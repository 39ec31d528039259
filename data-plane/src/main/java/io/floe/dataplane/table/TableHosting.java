package io.floe.dataplane.table;

import io.floe.core.catalog.CatalogTable;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.table.InvalidSchemaException;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.wal.WalSink;
import io.floe.dataplane.wal.WalSinks;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Creates and releases the tables and partition replicas this node hosts. Two ways in: the
 * assignment watch ({@code io.floe.dataplane.cluster}) calls {@link #host}, {@link #openPartition}
 * and {@link #releasePartition} as etcd's desired state changes; without etcd, a {@code
 * CREATE_TABLE} admin request makes this node the leader (term 1) of every partition of a new,
 * empty table (the pre-control-plane seam). Every new replica goes through the {@link
 * PartitionLoader}, so loading from S3 hooks in at one place.
 */
public final class TableHosting {
  /** Upper bound on partitions per table, to keep a bad request from allocating wildly. */
  public static final int MAX_PARTITIONS = 4096;

  private final TableRegistry registry;
  private final MemoryBudget budget;
  private final WalSinks sinks;
  private final Executor loading;
  private volatile ReplicaLoader loader;

  public TableHosting(TableRegistry registry, MemoryBudget budget, WalSinks sinks) {
    this(registry, budget, sinks, ReplicaLoader.EMPTY, Runnable::run);
  }

  /**
   * Every replica created here goes through {@code loader} (from S3, when the node has it) before
   * it serves; until then requests get {@code PARTITION_LOADING}. The {@code CREATE_TABLE} seam
   * loads its partitions on {@code loading}, so the request is answered at once.
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
            new Partition[definition.partitions()],
            budget);
    HostedTable registered = registry.addIfAbsent(table);
    if (registered.tableId() != definition.tid()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "table '" + definition.fullName() + "' is hosted with id " + registered.tableId());
    }
    return registered;
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
        new Partition(table.tableId(), pid, budget, sinks.sinkFor(table.durability()));
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
      partition.drop();
    }
    if (table.holdsNoPartition()) {
      registry.remove(table);
    }
  }

  /** Idempotent for the same name and table id; a different table of that name is refused. */
  public HostedTable create(CreateTable request) {
    if (request.partitions() < 1 || request.partitions() > MAX_PARTITIONS) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "partitions must be in [1, " + MAX_PARTITIONS + "], found " + request.partitions());
    }
    Schema schema = parseSchema(request.schemaJson());
    WalSink sink = sinks.sinkFor(request.durability());
    HostedTable existing = registry.find(request.table());
    if (existing != null && existing.tableId() == request.tableId()) {
      return existing;
    }
    Partition[] partitions = new Partition[request.partitions()];
    for (int pid = 0; pid < partitions.length; pid++) {
      partitions[pid] = new Partition(request.tableId(), pid, budget, sink);
      partitions[pid].becomeLeader(1);
    }
    HostedTable table =
        new HostedTable(
            request.table(), request.tableId(), schema, request.durability(), partitions, budget);
    HostedTable registered = registry.addIfAbsent(table);
    if (registered.tableId() != request.tableId()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "table '" + request.table() + "' exists with id " + registered.tableId());
    }
    if (registered == table) {
      for (Partition p : partitions) {
        loading.execute(() -> loadQuietly(table, p));
      }
    }
    return registered;
  }

  /** The pre-control-plane seam leads every partition in term 1. */
  private void loadQuietly(HostedTable table, Partition partition) {
    try {
      loader.load(table, partition);
    } catch (RuntimeException e) {
      // logged by the loader; the partition is offline and says why to every request
    }
  }

  private static Schema parseSchema(String json) {
    try {
      return SchemaParser.fromJson(json);
    } catch (InvalidSchemaException | io.floe.core.format.FormatException e) {
      throw new FloeRequestException(
          ErrorCode.SCHEMA_VIOLATION, "invalid schema: " + e.getMessage());
    }
  }
}
