package io.floe.client;

import io.floe.client.impl.ConnectionPool;
import io.floe.client.impl.RemoteTable;
import io.floe.client.impl.Requests;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry point of the Java client: connections to data nodes (reused, pipelined), and {@link
 * FloeTable} handles that route each key to its partition's leader. Thread-safe; make one per
 * application and close it at the end.
 */
public final class FloeClient implements AutoCloseable {
  private final ClientConfig config;
  private final ConnectionPool pool;
  private final Requests requests;
  private final ConcurrentHashMap<String, FloeTable> tables = new ConcurrentHashMap<>();

  private FloeClient(ClientConfig config) {
    this.config = config;
    this.pool = new ConnectionPool(config);
    this.requests = new Requests(pool, config);
  }

  public static FloeClient connect(ClientConfig config) {
    return new FloeClient(config);
  }

  public static FloeClient connect(String... seeds) {
    return connect(ClientConfig.of(seeds));
  }

  /**
   * A handle on {@code name} ({@code db.table}), described by the first seed that knows it, with
   * connections to its partitions' leaders opened before it is returned.
   */
  public FloeTable table(String name) {
    return tables.computeIfAbsent(name, this::describe);
  }

  private FloeTable describe(String name) {
    RemoteTable table = RemoteTable.describe(name, config.seeds(), requests);
    table.warmUp();
    return table;
  }

  /**
   * Pre-control-plane seam: asks {@code endpoint} to host a new table and lead all its partitions.
   * The control plane's create-table replaces this.
   */
  public void createTable(
      String endpoint,
      String name,
      long tableId,
      Schema schema,
      int partitions,
      Durability durability) {
    Request request =
        new Request.CreateTable(name, tableId, SchemaParser.toJson(schema), partitions, durability);
    Blocking.join(requests.send(endpoint, 0, request));
  }

  /** Round trip to a node. */
  public CompletableFuture<Response> pingAsync(String endpoint) {
    return requests.send(endpoint, 0, new Request.Ping());
  }

  @Override
  public void close() {
    pool.close();
  }
}
