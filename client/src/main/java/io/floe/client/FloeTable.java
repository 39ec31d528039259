package io.floe.client;

import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Row;
import io.floe.core.table.RowBuilder;
import io.floe.core.table.Schema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads and writes of one table, typed by its schema. Rows are validated here before they are sent;
 * keys are given as primary-key values in key order. Every async method has a blocking twin that
 * rethrows the failure unwrapped.
 *
 * <p>Futures complete on the client's I/O threads: do not block inside their callbacks.
 */
public interface FloeTable {
  String name();

  Schema schema();

  int partitions();

  /**
   * A builder of a row of this table by column name, e.g. {@code table.put(table.newRow().set("id",
   * 7L).set("name", "x").build())}. Each value is checked as it is set, naming the column. Rows
   * this table returns read by name too ({@code row.getString("name")}); the positional {@code new
   * Row(...)} stays the cheapest way to write.
   */
  default RowBuilder newRow() {
    return Row.builder(schema());
  }

  /** Inserts or replaces a row; completes with the offset it got in its partition. */
  CompletableFuture<Long> putAsync(Row row);

  long put(Row row);

  /** Puts rows; each node applies its share whole or not at all. Offsets in row order. */
  CompletableFuture<long[]> putAllAsync(List<Row> rows);

  long[] putAll(List<Row> rows);

  /** Deletes the row of the key, if any; says whether one existed. */
  CompletableFuture<DeleteResult> deleteAsync(Object... key);

  DeleteResult delete(Object... key);

  // ---- conditional writes and partial updates (data-protocol.md §4.1.1) ----------------------
  // A row's version is the offset of its last write (what put returns); 0 means absent. A failed
  // condition is a io.floe.core.protocol.ConditionFailedException carrying the row's current
  // version; it is never retried by the client, nor is any of these writes after an unknown
  // outcome (they are not idempotent).

  /**
   * Puts the row only if its key's current version is {@code expectedVersion} (0: only if absent);
   * completes with the row's new version.
   */
  CompletableFuture<Long> putIfAsync(Row row, long expectedVersion);

  long putIf(Row row, long expectedVersion);

  /** Puts the row only if its key has no row; completes with the row's new version. */
  CompletableFuture<Long> putIfAbsentAsync(Row row);

  long putIfAbsent(Row row);

  /**
   * Deletes the row of the key only if its current version is {@code expectedVersion} (≥ 1);
   * completes with the offset of the delete.
   */
  CompletableFuture<Long> deleteIfAsync(long expectedVersion, Object... key);

  long deleteIf(long expectedVersion, Object... key);

  /**
   * Writes only the given columns (name → value; not primary-key columns) of the existing row of
   * the key, atomically on its partition's leader, so concurrent updates of other columns are kept.
   * Completes with the row's new version; a missing row fails with a condition failure (version 0).
   */
  CompletableFuture<Long> updateAsync(Map<String, Object> columns, Object... key);

  long update(Map<String, Object> columns, Object... key);

  /** {@link #updateAsync} only if the row's current version is {@code expectedVersion} (≥ 1). */
  CompletableFuture<Long> updateIfAsync(
      long expectedVersion, Map<String, Object> columns, Object... key);

  long updateIf(long expectedVersion, Map<String, Object> columns, Object... key);

  /** The row with this primary key, or null. */
  CompletableFuture<Row> getAsync(Object... key);

  Row get(Object... key);

  /**
   * This table with its single-row reads ({@link #get}, {@link #getAsync}) answered by {@code
   * where}: with {@link ReadFrom#FOLLOWER} by any replica the seeds name, in turn, falling back to
   * the leader where a node holds no replica. Writes, scans and multi-gets still go to leaders.
   */
  default FloeTable readFrom(ReadFrom where) {
    if (where == ReadFrom.LEADER) {
      return this;
    }
    throw new UnsupportedOperationException(where + " reads are not offered by this table");
  }

  /** One entry per key (null where there is no row), in the order asked. */
  CompletableFuture<List<Row>> multiGetAsync(List<Object[]> keys);

  List<Row> multiGet(List<Object[]> keys);

  /** One page of one partition's rows in key order. */
  CompletableFuture<ScanPage> scanPartitionAsync(
      int partition, KeyRange range, int limit, byte[] continuation);

  ScanPage scanPartition(int partition, KeyRange range, int limit, byte[] continuation);

  /**
   * The first {@code limit} rows (fewer only when the range holds fewer) of the whole table in the
   * range, in primary-key order: the partitions' pages merged, following their continuations.
   * Throws the failure of any page that could not be read within its request's deadline. Pages are
   * read one after another, so rows written during the scan may or may not be seen.
   */
  List<Row> scan(KeyRange range, int limit);

  /** {@code gettablestatus} of every partition, from each partition's leader. */
  List<PartitionStatus> status();
}
