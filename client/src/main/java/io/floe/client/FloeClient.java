package io.floe.client;

import io.floe.client.impl.ConnectionPool;
import io.floe.client.impl.RemoteTable;
import io.floe.client.impl.Requests;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry point of the Java client: connections to data nodes (reused, pipelined), and {@link
 * FloeTable} handles that route each key to its partition's leader. Thread-safe; make one per
 * application and close it at the end.
 *
 * <pre>{@code
 * try (FloeClient client = FloeClient.connect("node-a:7400", "node-b:7400")) {
 *   client.createTable("db.users", 7, schema, 4, Durability.MEMORY);
 *   FloeTable users = client.table("db.users");
 *   users.put(users.newRow().set("id", 7L).set("name", "x").build());
 *   String name = users.get(7L).getString("name");
 * }
 * }</pre>
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
   * Pre-control-plane seam: asks the first of the client's seeds that can be reached to host a new
   * table and lead all its partitions. A seed is passed over only when the request never reached it
   * (connection refused): after a timeout or a lost connection the table may exist there, and
   * asking another node could create it twice. The control plane's create-table (which will also
   * assign table ids) replaces this.
   *
   * @throws FloeRequestException as the node answered (e.g. the table exists, a bad schema)
   */
  public void createTable(
      String name, long tableId, Schema schema, int partitions, Durability durability) {
    Request request =
        new Request.CreateTable(name, tableId, SchemaParser.toJson(schema), partitions, durability);
    Blocking.join(createFrom(0, request));
  }

  private CompletableFuture<Response> createFrom(int seed, Request request) {
    List<String> seeds = config.seeds();
    return requests
        .send(seeds.get(seed), 0, request)
        .exceptionallyCompose(
            error ->
                seed + 1 < seeds.size() && neverReached(error)
                    ? createFrom(seed + 1, request)
                    : CompletableFuture.failedFuture(error));
  }

  private static boolean neverReached(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    return cause instanceof FloeConnectionException e && !e.sent();
  }

  /**
   * Pre-control-plane seam: asks {@code endpoint} to host a new table and lead all its partitions.
   *
   * @deprecated the endpoint is one the client was already given: use {@link #createTable(String,
   *     long, Schema, int, Durability)}, which asks the client's seeds
   */
  @Deprecated
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
