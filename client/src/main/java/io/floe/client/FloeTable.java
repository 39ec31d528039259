package io.floe.client;

import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Row;
import io.floe.core.table.RowBuilder;
import io.floe.core.table.Schema;
import java.util.List;
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

  CompletableFuture<Long> deleteAsync(Object... key);

  long delete(Object... key);

  /** The row with this primary key, or null. */
  CompletableFuture<Row> getAsync(Object... key);

  Row get(Object... key);

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
