package io.floe.dataplane.table;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.table.InvalidSchemaException;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.recovery.PartitionLoadException;
import io.floe.dataplane.recovery.PartitionLoader;
import io.floe.dataplane.wal.WalSink;
import io.floe.dataplane.wal.WalSinks;
import java.util.concurrent.Executor;

/**
 * Creates the tables this node hosts. Until the control plane's assignments exist (etcd watch), a
 * {@code CREATE_TABLE} admin request makes this node the leader (term 1) of every partition of a
 * new, empty table: the pre-control-plane seam, to be replaced by the assignment watch.
 */
public final class TableHosting {
  /** Upper bound on partitions per table, to keep a bad request from allocating wildly. */
  public static final int MAX_PARTITIONS = 4096;

  private final TableRegistry registry;
  private final MemoryBudget budget;
  private final WalSinks sinks;
  private final PartitionLoader loader;
  private final Executor loading;

  public TableHosting(TableRegistry registry, MemoryBudget budget, WalSinks sinks) {
    this(registry, budget, sinks, null, null);
  }

  /**
   * With a loader, every partition created here is loaded from S3 (on {@code loading}) before it
   * serves; until then requests get {@code PARTITION_LOADING}.
   */
  public TableHosting(
      TableRegistry registry,
      MemoryBudget budget,
      WalSinks sinks,
      PartitionLoader loader,
      Executor loading) {
    this.registry = registry;
    this.budget = budget;
    this.sinks = sinks;
    this.loader = loader;
    this.loading = loading;
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
      if (loader == null) {
        partitions[pid].becomeLeader(1);
        partitions[pid].markNormal();
      }
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
    if (registered == table && loader != null) {
      for (Partition p : partitions) {
        loading.execute(() -> loadQuietly(p, schema));
      }
    }
    return registered;
  }

  /** The pre-control-plane seam leads every partition in term 1. */
  private void loadQuietly(Partition partition, Schema schema) {
    try {
      loader.load(partition, schema, 1);
    } catch (PartitionLoadException e) {
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
