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
 * A data node through the Java client: a fresh table {@code (k int64 key, v bytes)} with one given
 * number of partitions (one per connection by default), in the durability mode under test.
 */
final class FloeDriver implements KvDriver {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("k", ColumnType.INT64, false), new Column("v", ColumnType.BYTES, false)),
          List.of("k"));

  private final FloeClient client;
  private final FloeTable table;
  private final Durability durability;

  FloeDriver(
      String endpoint,
      int connections,
      int partitions,
      int ioThreads,
      int maxBatch,
      Durability durability) {
    this.durability = durability;
    ClientConfig config =
        ClientConfig.of(endpoint)
            .withConnectionsPerNode(connections)
            .withIoThreads(ioThreads)
            .withMaxBatch(maxBatch);
    this.client = FloeClient.connect(config);
    String name = "bench.kv" + Long.toHexString(System.nanoTime());
    client.createTable(name, System.nanoTime(), SCHEMA, partitions, durability);
    this.table = client.table(name);
  }

  @Override
  public String name() {
    return "Floe (" + durability.jsonName() + ")";
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
