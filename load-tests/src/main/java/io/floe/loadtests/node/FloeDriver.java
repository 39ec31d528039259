package io.floe.loadtests.node;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Floe through the Java client: a table {@code (k int64 key, v bytes)}, either created fresh on one
 * node with a given number of partitions (one per connection by default) in the durability mode
 * under test, or one that already exists in a cluster (created through etcd), reached through
 * seeds.
 */
final class FloeDriver implements KvDriver {
  /** The benchmark table's schema; tables created elsewhere for the benchmark must have it. */
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("k", ColumnType.INT64, false), new Column("v", ColumnType.BYTES, false)),
          List.of("k"));

  private final FloeClient client;
  private final FloeTable table;
  private final String mode;

  private FloeDriver(FloeClient client, FloeTable table, String mode) {
    this.client = client;
    this.table = table;
    this.mode = mode;
  }

  /** A fresh table on the node at {@code endpoint} (the data protocol's CREATE_TABLE). */
  static FloeDriver newTable(
      String endpoint,
      int connections,
      int partitions,
      int ioThreads,
      int maxBatch,
      Durability durability) {
    FloeClient client =
        FloeClient.connect(config(List.of(endpoint), connections, ioThreads, maxBatch));
    try {
      String name = "bench.kv" + Long.toHexString(System.nanoTime());
      client.createTable(name, System.nanoTime(), SCHEMA, partitions, durability);
      return new FloeDriver(client, client.table(name), durability.jsonName());
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * The existing table {@code name}, described by the first of {@code seeds} that knows it; {@code
   * mode} names it in results (its durability mode).
   */
  static FloeDriver existingTable(
      List<String> seeds, String name, String mode, int connections, int ioThreads, int maxBatch) {
    FloeClient client = FloeClient.connect(config(seeds, connections, ioThreads, maxBatch));
    try {
      return new FloeDriver(client, client.table(name), mode);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * @throws IllegalArgumentException if the table's schema is not the benchmark's {@link #SCHEMA}
   */
  void checkSchema() {
    if (!table.schema().equals(SCHEMA)) {
      throw new IllegalArgumentException(
          "table "
              + table.name()
              + " has schema "
              + table.schema()
              + "; the benchmark writes (k int64 key, v bytes), schema id 1: "
              + SCHEMA);
    }
  }

  private static ClientConfig config(
      List<String> seeds, int connections, int ioThreads, int maxBatch) {
    return ClientConfig.of(seeds.toArray(String[]::new))
        .withConnectionsPerNode(connections)
        .withIoThreads(ioThreads)
        .withMaxBatch(maxBatch);
  }

  @Override
  public String name() {
    return "Floe (" + mode + ")";
  }

  @Override
  public CompletionStage<?> put(long key, byte[] value) {
    return table.putAsync(new Row(key, value));
  }

  @Override
  public CompletionStage<?> get(long key) {
    return table.getAsync(key);
  }

  @Override
  public void preload(int keys, byte[] value) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int from = 0; from < keys; from += 1000) {
      List<Row> rows = new ArrayList<>(1000);
      for (long k = from; k < Math.min(keys, from + 1000); k++) {
        rows.add(new Row(k, value));
      }
      pending.add(table.putAllAsync(rows));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  @Override
  public void close() {
    client.close();
  }
}
