package io.floe.client.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.client.control.impl.ControlAnswer;
import io.floe.client.control.impl.ControlCall;
import io.floe.client.control.impl.ControlTransport;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.retry.Backoff;
import io.floe.core.retry.ResilienceSettings;
import io.floe.core.table.SchemaParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane's HTTP API (schemas/spec/control-api.md) as Java calls: tables, OpenMLDB's
 * {@code ns} commands, operations and health. Thread-safe; one per application.
 *
 * <p>Calls go to the first replica that can be reached; writes that reach a non-leader follow it to
 * the leader once. Failures are {@link ControlException}s: {@link ControlApiException} with the
 * problem's code, {@link ControlUnreachableException}, {@link ControlResponseException}. The {@code
 * ns} rows keep OpenMLDB's column names and order, so they are maps rather than records.
 *
 * <pre>{@code
 * try (ControlClient control = ControlClient.connect(ControlConfig.of("http://cp-1:7080"))) {
 *   long op = control.changeLeader("db.t", 3, "auto");
 *   Operation done = control.awaitOperation(op, Duration.ofMinutes(5));
 * }
 * }</pre>
 */
public final class ControlClient implements AutoCloseable {
  /**
   * How {@link #awaitOperation} polls: from 100 ms, growing to one poll a second, with jitter so
   * that many waiters do not poll in step. Unlimited attempts: the wait's deadline ends it.
   */
  public static final ResilienceSettings OPERATION_POLL =
      ResilienceSettings.retryOnly(
          Integer.MAX_VALUE, Duration.ofMillis(100), Duration.ofSeconds(1), 0.2);

  private static final String TABLES = "/v1/tables";
  private static final String NS = "/v1/ns/";
  private static final String OPS = "/v1/ops";
  private static final String ROWS = "rows";
  private static final String TABLE = "table";
  private static final String PID = "pid";
  private static final String ENDPOINT = "endpoint";

  private final ControlTransport transport;

  private ControlClient(ControlConfig config) {
    this.transport = new ControlTransport(config);
  }

  public static ControlClient connect(ControlConfig config) {
    return new ControlClient(config);
  }

  /** The base URL asked first: the one that answered last (the leader after a redirect). */
  public String preferredUrl() {
    return transport.preferredUrl();
  }

  // ---- tables (control-api.md §2) ----------------------------------------------------------

  /** Active tables, and dropped ones too when {@code includeDropped}. */
  public List<TableView> listTables(boolean includeDropped) {
    ControlAnswer answer = send(ControlCall.get(TABLES + (includeDropped ? "?dropped=true" : "")));
    return answer.read(
        (kind, body) -> {
          List<TableView> tables = new ArrayList<>();
          for (JsonObject table : JsonObject.root(kind, body).objects("tables")) {
            tables.add(TableViewParser.fromObject(table));
          }
          return tables;
        });
  }

  /** Creates a table; it is placed and committed when this returns. */
  public TableView createTable(NewTable table) {
    ObjectNode body = Json.object();
    body.put(TableViewParser.NAME, table.name());
    body.set(TableViewParser.SCHEMA, SchemaParser.toNode(table.schema()));
    body.put(TableViewParser.PARTITIONS, table.partitions());
    body.put(TableViewParser.REPLICAS, table.replicas());
    if (table.durability() != null) {
      body.put(TableViewParser.DURABILITY, table.durability().jsonName());
    }
    if (table.ttl() != null) {
      body.put(TableViewParser.TTL_MS, table.ttl().toMillis());
    }
    return send(ControlCall.post(TABLES, body)).read(TableViewParser::fromNode);
  }

  /** The table with each partition's term, leader and replicas ({@link TableView#placement()}). */
  public TableView describeTable(String name) {
    return send(ControlCall.get(tablePath(name))).read(TableViewParser::fromNode);
  }

  /** Drops a table (softly: it can be undropped while its objects are retained). */
  public TableView dropTable(String name) {
    return send(ControlCall.delete(tablePath(name))).read(TableViewParser::fromNode);
  }

  /** Makes a dropped table active again, placed anew and loaded from S3. */
  public TableView undropTable(String name) {
    return send(ControlCall.post(tablePath(name) + "/undrop", Json.object()))
        .read(TableViewParser::fromNode);
  }

  // ---- OpenMLDB's ns commands (control-api.md §3) ------------------------------------------

  /** {@code showtable}: one row per replica, of every table or of {@code table} (null: all). */
  public List<Map<String, Object>> showTable(String table) {
    return rows(NS + "showtable" + query(TABLE, table));
  }

  /** {@code showtablet}: one row per data node. */
  public List<Map<String, Object>> showTablet() {
    return rows(NS + "showtablet");
  }

  /** {@code gettablestatus}: each replica's load state, of every table or of {@code table}. */
  public List<Map<String, Object>> getTableStatus(String table) {
    return rows(NS + "gettablestatus" + query(TABLE, table));
  }

  /** {@code confget}: every setting by name. */
  public Map<String, String> config() {
    return send(ControlCall.get("/v1/config")).read(ControlClient::settings);
  }

  /** {@code confset}: changes one setting; answers every setting after the change. */
  public Map<String, String> setConfig(String name, String value) {
    ObjectNode body = Json.object().put("value", value);
    return send(ControlCall.put("/v1/config/" + segment(name), body)).read(ControlClient::settings);
  }

  /** {@code changeleader}: makes {@code endpoint} (a node id or endpoint, or "auto") the leader. */
  public long changeLeader(String table, int pid, String endpoint) {
    return operation("changeleader", partitionBody(table, pid, endpoint));
  }

  /** {@code offlineendpoint}: takes a node's replicas out of service. */
  public long offlineEndpoint(String endpoint) {
    return operation("offlineendpoint", Json.object().put(ENDPOINT, endpoint));
  }

  /** {@code recoverendpoint}: brings a node's replicas back and catches them up. */
  public long recoverEndpoint(String endpoint) {
    return operation("recoverendpoint", Json.object().put(ENDPOINT, endpoint));
  }

  /** {@code recovertable}: recovers one replica of one partition. */
  public long recoverTable(String table, int pid, String endpoint) {
    return operation("recovertable", partitionBody(table, pid, endpoint));
  }

  /** {@code updatetablealive} of one partition's replica on {@code endpoint}. */
  public long updateTableAlive(String table, int pid, String endpoint, boolean alive) {
    return operation("updatetablealive", aliveBody(table, endpoint, alive).put(PID, pid));
  }

  /** {@code updatetablealive} with pid {@code *}: every partition's replica on {@code endpoint}. */
  public long updateTableAliveAllPartitions(String table, String endpoint, boolean alive) {
    return operation("updatetablealive", aliveBody(table, endpoint, alive).put(PID, "*"));
  }

  /** {@code migrate}: moves the partitions' replicas from one node to another; one op each. */
  public List<Long> migrate(
      String srcEndpoint, String table, List<Integer> pids, String desEndpoint) {
    ObjectNode body = Json.object().put("src_endpoint", srcEndpoint).put(TABLE, table);
    ArrayNode pidArray = body.putArray("pids");
    pids.forEach(pidArray::add);
    body.put("des_endpoint", desEndpoint);
    return send(ControlCall.post(NS + "migrate", body))
        .read(
            (kind, answer) -> {
              JsonObject root = JsonObject.root(kind, answer);
              List<Long> ids = new ArrayList<>();
              JsonNode array = root.node("op_ids");
              if (!array.isArray()) {
                throw root.error("op_ids", "must be an array of operation ids");
              }
              for (int i = 0; i < array.size(); i++) {
                if (!array.get(i).canConvertToLong() || !array.get(i).isIntegralNumber()) {
                  throw root.error(
                      "op_ids[" + i + "]", "must be an integer, found " + array.get(i));
                }
                ids.add(array.get(i).longValue());
              }
              return ids;
            });
  }

  /** {@code addreplica}: adds a replica of a partition on {@code endpoint}. */
  public long addReplica(String table, int pid, String endpoint) {
    return operation("addreplica", partitionBody(table, pid, endpoint));
  }

  /** {@code delreplica}: removes the partition's replica on {@code endpoint}. */
  public long delReplica(String table, int pid, String endpoint) {
    return operation("delreplica", partitionBody(table, pid, endpoint));
  }

  /** {@code loadtable}: loads a partition's replica on {@code endpoint} from S3. */
  public long loadTable(String table, int pid, String endpoint) {
    return operation("loadtable", partitionBody(table, pid, endpoint));
  }

  // ---- operations (control-api.md §4) ------------------------------------------------------

  /** {@code showopstatus}: newest first, of a table (null: all) and partition (null: all). */
  public List<Operation> operations(String table, Integer pid) {
    String path = OPS + query(TABLE, table);
    if (pid != null) {
      path += (path.contains("?") ? "&" : "?") + PID + "=" + pid;
    }
    return send(ControlCall.get(path))
        .read(
            (kind, body) -> {
              List<Operation> ops = new ArrayList<>();
              for (JsonObject op : JsonObject.root(kind, body).objects("ops")) {
                ops.add(OperationParser.fromObject(op));
              }
              return ops;
            });
  }

  public Operation operation(long opId) {
    return send(ControlCall.get(OPS + "/" + opId)).read(OperationParser::fromNode);
  }

  /** {@code cancelop}: answers the operation, now canceled ({@code CONFLICT} if it ended). */
  public Operation cancelOperation(long opId) {
    return send(ControlCall.post(OPS + "/" + opId + "/cancel", Json.object()))
        .read(OperationParser::fromNode);
  }

  /**
   * Polls the operation until it ends (done, failed or canceled) and answers it as it ended: look
   * at {@link Operation#succeeded()}. A control plane that cannot be reached or answers 503 for a
   * while (its leader changing: the next leader resumes the operation) is polled again until the
   * deadline.
   *
   * @throws OperationWaitTimeoutException it had not ended by {@code timeout}
   * @throws ControlException another failure, or the last transient one at the deadline
   */
  public Operation awaitOperation(long opId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Backoff polls = new Backoff(OPERATION_POLL);
    Operation last = null;
    while (true) {
      ControlException failure = null;
      try {
        last = operation(opId);
        if (last.ended()) {
          return last;
        }
      } catch (ControlException e) {
        if (!ControlErrors.isTransient(e)) {
          throw e;
        }
        failure = e;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw failure != null || last == null
            ? failure
            : new OperationWaitTimeoutException(last, timeout);
      }
      pause(Math.min(left, polls.next().toNanos()));
    }
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlUnreachableException("interrupted while waiting for an operation", false, e);
    }
  }

  // ---- health (control-api.md §5) ----------------------------------------------------------

  /** The health of the replica that answers (the preferred one). */
  public Health health() {
    return send(ControlCall.get("/health"))
        .read(
            (kind, body) -> {
              JsonObject root = JsonObject.root(kind, body);
              return new Health(root.text("status"), root.bool("leader"));
            });
  }

  // ------------------------------------------------------------------------------------------

  private ControlAnswer send(ControlCall call) {
    ControlAnswer answer = transport.send(call);
    if (answer.body() == null) {
      throw new ControlResponseException(
          "the control plane's " + answer.kind() + " has no body; a JSON document was expected",
          null);
    }
    return answer;
  }

  private List<Map<String, Object>> rows(String path) {
    return send(ControlCall.get(path))
        .read(
            (kind, body) -> {
              JsonObject.root(kind, body).objects(ROWS); // every row an object, or a clear error
              List<Map<String, Object>> rows = new ArrayList<>();
              body.get(ROWS).forEach(row -> rows.add(JsonValues.toMap(row)));
              return rows;
            });
  }

  private long operation(String command, ObjectNode body) {
    return send(ControlCall.post(NS + command, body))
        .read((kind, answer) -> JsonObject.root(kind, answer).longValue(OperationParser.OP_ID));
  }

  private static ObjectNode partitionBody(String table, int pid, String endpoint) {
    return Json.object().put(TABLE, table).put(PID, pid).put(ENDPOINT, endpoint);
  }

  private static ObjectNode aliveBody(String table, String endpoint, boolean alive) {
    return Json.object()
        .put(TABLE, table)
        .put(ENDPOINT, endpoint)
        .put("alive", alive ? "yes" : "no");
  }

  private static Map<String, String> settings(String kind, JsonNode body) {
    JsonObject root = JsonObject.root(kind, body);
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      if (e.getValue().isContainerNode()) {
        throw root.error(e.getKey(), "must be a plain value, found " + e.getValue());
      }
      settings.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
    }
    return settings;
  }

  private static String tablePath(String name) {
    return TABLES + "/" + segment(name);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String name, String value) {
    return value == null ? "" : "?" + name + "=" + segment(value);
  }

  @Override
  public void close() {
    transport.close();
  }
}
