package io.floe.dataplane.table;

import io.floe.core.format.FormatException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request.Write;
import io.floe.core.table.Durability;
import io.floe.core.table.EncodedRowCheck;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartialRow;
import io.floe.core.table.PartialRows;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.RowValidator;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaLimits;
import io.floe.core.table.SchemaViolationException;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionBatch;
import io.floe.dataplane.partition.PartitionWrite;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A table as this node hosts it: its schema and codecs, and the replicas of its partitions that
 * live here (null where another node holds the partition). Turns wire bytes into validated
 * partition writes: rows are decoded and checked against the schema, keys decoded, and each routed
 * with {@link PartitionHasher}.
 */
public final class HostedTable {
  private final String name;
  private final long tableId;
  private final Schema schema;
  private final Durability durability;
  private final int replicas;
  private final OptionalLong ttlMs;
  private final EncodedRowCheck rowCheck;
  private final KeyCodec keyCodec;
  private final RowCodec rowCodec;
  private final RowValidator rowValidator;
  private final PartialRows partialRows;
  private final AtomicReferenceArray<Partition> partitions;

  /** Where each partition not led here is led, as the assignments say ("" when unknown). */
  private final AtomicReferenceArray<String> leaderHints;

  private final MemoryBudget budget;

  public HostedTable(
      String name,
      long tableId,
      Schema schema,
      Durability durability,
      Partition[] partitions,
      MemoryBudget budget) {
    this(name, tableId, schema, durability, 1, partitions, budget);
  }

  /** A table whose partitions have {@code replicas} replicas each (1: not replicated). */
  public HostedTable(
      String name,
      long tableId,
      Schema schema,
      Durability durability,
      int replicas,
      Partition[] partitions,
      MemoryBudget budget) {
    this(name, tableId, schema, durability, replicas, OptionalLong.empty(), partitions, budget);
  }

  /**
   * A table whose rows expire {@code ttlMs} after their last write (spec.md §14); its partitions
   * are created with that {@link io.floe.dataplane.partition.RowExpiry}.
   */
  public HostedTable(
      String name,
      long tableId,
      Schema schema,
      Durability durability,
      int replicas,
      OptionalLong ttlMs,
      Partition[] partitions,
      MemoryBudget budget) {
    this.replicas = replicas;
    this.ttlMs = ttlMs;
    this.budget = budget;
    this.name = name;
    this.tableId = tableId;
    this.schema = schema;
    this.durability = durability;
    this.rowCheck = new EncodedRowCheck(schema);
    this.keyCodec = new KeyCodec(schema);
    this.rowCodec = new RowCodec(schema);
    this.rowValidator = new RowValidator(schema);
    this.partialRows = new PartialRows(schema);
    this.partitions = new AtomicReferenceArray<>(partitions);
    this.leaderHints = new AtomicReferenceArray<>(partitions.length);
  }

  public String name() {
    return name;
  }

  public long tableId() {
    return tableId;
  }

  public Schema schema() {
    return schema;
  }

  public Durability durability() {
    return durability;
  }

  /** Replicas per partition, as the table definition says (1 for the CREATE_TABLE seam). */
  public int replicas() {
    return replicas;
  }

  /** How long after their last write rows expire, as the table was hosted with; empty: never. */
  public OptionalLong ttlMs() {
    return ttlMs;
  }

  public int partitionCount() {
    return partitions.length();
  }

  /** The replica of partition {@code pid} on this node, or null. */
  public Partition partitionOrNull(int pid) {
    return pid >= 0 && pid < partitions.length() ? partitions.get(pid) : null;
  }

  /**
   * Installs (or with null removes) the replica of partition {@code pid}: the assignment watch adds
   * and releases replicas while the table is served.
   */
  public void setPartition(int pid, Partition partition) {
    partitions.set(pid, partition);
  }

  /** Records where partition {@code pid} is led when it is not led here ("" when unknown). */
  public void setLeaderHint(int pid, String endpoint) {
    leaderHints.set(pid, endpoint == null ? "" : endpoint);
  }

  /** Where partition {@code pid} is led by another node, as far as this node knows, or "". */
  public String leaderHint(int pid) {
    String hint = leaderHints.get(pid);
    return hint == null ? "" : hint;
  }

  /** True when no partition of this table is held here any more. */
  public boolean holdsNoPartition() {
    for (int pid = 0; pid < partitions.length(); pid++) {
      if (partitions.get(pid) != null) {
        return false;
      }
    }
    return true;
  }

  public Partition partition(int pid) {
    if (pid < 0 || pid >= partitions.length()) {
      throw new FloeRequestException(
          ErrorCode.PARTITION_NOT_FOUND,
          "table '" + name + "' has partitions 0.." + (partitions.length() - 1) + ", not " + pid);
    }
    Partition p = partitions.get(pid);
    if (p == null) {
      throw new NotLeaderException(
          "partition " + pid + " of '" + name + "' is not on this node", leaderHint(pid));
    }
    return p;
  }

  /** The partition replica a (validated) encoded key belongs to. */
  public Partition partitionOf(byte[] key) {
    return partition(PartitionHasher.partition(key, partitions.length()));
  }

  /** Validates a row from the wire in its encoding; returns its encoded primary key. */
  public byte[] checkRow(byte[] rowBytes) {
    if (rowBytes.length > SchemaLimits.MAX_ROW_BYTES) {
      throw new FloeRequestException(
          ErrorCode.ROW_TOO_LARGE,
          "the encoded row is " + rowBytes.length + " bytes, over " + SchemaLimits.MAX_ROW_BYTES);
    }
    try {
      return rowCheck.check(rowBytes);
    } catch (FormatException e) {
      throw new SchemaViolationException(
          null, "the row does not decode under the table schema: " + e.getMessage());
    }
  }

  /**
   * The checked values of an update: the named columns and their values decoded against the schema.
   *
   * @throws SchemaViolationException naming the column at fault
   */
  public CheckedUpdate checkUpdate(List<String> columns, byte[] values) {
    PartialRow partial = partialRows.of(columns);
    try {
      return new CheckedUpdate(partial, partial.decode(values));
    } catch (FormatException e) {
      throw new SchemaViolationException(
          null, "the values do not decode as the columns " + columns + ": " + e.getMessage());
    }
  }

  /**
   * The encoded row {@code current} (never null: an update needs a row) with the update's columns
   * replaced, validated like any put.
   */
  public byte[] merge(byte[] current, CheckedUpdate update) {
    Row merged = update.partial().merge(rowCodec.decode(current), update.values());
    rowValidator.validate(merged);
    return rowCodec.encode(merged);
  }

  /** An update's columns and their decoded values. */
  public record CheckedUpdate(PartialRow partial, Row values) {}

  /** Checks that the bytes are a primary key of this table. */
  public byte[] checkKey(byte[] key) {
    if (key.length > SchemaLimits.MAX_KEY_BYTES) {
      throw new FloeRequestException(
          ErrorCode.ROW_TOO_LARGE,
          "the encoded key is " + key.length + " bytes, over " + SchemaLimits.MAX_KEY_BYTES);
    }
    try {
      keyCodec.check(key);
    } catch (FormatException e) {
      throw new SchemaViolationException(
          null, "not a primary key of '" + name + "': " + e.getMessage());
    }
    return key;
  }

  /**
   * Applies a batch whole or not at all: every entry is validated, then {@link PartitionBatch}
   * checks every partition it touches and reserves its memory before any of it applies. Returns the
   * offsets in request order and a future for the durability of all.
   */
  public BatchResult writeBatch(List<Write> writes) {
    int count = partitions.length();
    List<List<PartitionWrite>> byPartition = new ArrayList<>(Collections.nCopies(count, null));
    List<List<Integer>> positions = new ArrayList<>(Collections.nCopies(count, null));
    for (int i = 0; i < writes.size(); i++) {
      Write w = writes.get(i);
      byte[] key = w.delete() ? checkKey(w.bytes()) : checkRow(w.bytes());
      int pid = PartitionHasher.partition(key, count);
      if (byPartition.get(pid) == null) {
        byPartition.set(pid, new ArrayList<>());
        positions.set(pid, new ArrayList<>());
      }
      byPartition
          .get(pid)
          .add(w.delete() ? PartitionWrite.delete(key) : PartitionWrite.put(key, w.bytes()));
      positions.get(pid).add(i);
    }
    return applyGrouped(writes.size(), byPartition, positions);
  }

  private BatchResult applyGrouped(
      int size, List<List<PartitionWrite>> byPartition, List<List<Integer>> positions) {
    List<Partition> touched = new ArrayList<>();
    List<List<PartitionWrite>> groups = new ArrayList<>();
    List<List<Integer>> touchedPositions = new ArrayList<>();
    for (int pid = 0; pid < byPartition.size(); pid++) {
      if (byPartition.get(pid) != null) {
        touched.add(partition(pid));
        groups.add(byPartition.get(pid));
        touchedPositions.add(positions.get(pid));
      }
    }
    List<AppliedWrites> applied = new PartitionBatch(touched, groups, budget).apply();
    long[] offsets = new long[size];
    List<CompletableFuture<Void>> durable = new ArrayList<>(applied.size());
    for (int i = 0; i < applied.size(); i++) {
      long[] groupOffsets = applied.get(i).offsets();
      for (int j = 0; j < groupOffsets.length; j++) {
        offsets[touchedPositions.get(i).get(j)] = groupOffsets[j];
      }
      durable.add(applied.get(i).durable());
    }
    CompletableFuture<Void> all =
        durable.size() == 1
            ? durable.get(0)
            : CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new));
    return new BatchResult(offsets, all);
  }

  /** Offsets of a batch in request order and the future of its durability. */
  public record BatchResult(long[] offsets, CompletableFuture<Void> durable) {}
}
