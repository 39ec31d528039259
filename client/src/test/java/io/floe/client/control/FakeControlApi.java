package io.floe.client.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A control plane in miniature on the JDK's HTTP server, answering the shapes of
 * schemas/spec/control-api.md from literal JSON (never through the client's parsers, so a test
 * checks the client against the contract, not against itself): tables, {@code ns} rows, config,
 * operations that end after a set number of polls, problems, {@code 421 NOT_LEADER}, tokens, and
 * canned answers for malformed bodies. Records every request it got.
 */
public final class FakeControlApi implements AutoCloseable {
  /** One request as received. */
  public record Received(String method, String path, String query, String body, String auth) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> tables = new ConcurrentHashMap<>();
  private final Map<Long, ObjectNode> ops = new ConcurrentHashMap<>();
  private final Map<Long, Integer> pollsLeft = new ConcurrentHashMap<>();
  private final Map<String, String> config =
      new ConcurrentHashMap<>(Map.of("auto_failover", "true"));
  private final Map<String, String[]> canned = new ConcurrentHashMap<>();
  private final List<String[]> tablets = new CopyOnWriteArrayList<>();
  private final AtomicLong nextTid = new AtomicLong(1);
  private final AtomicLong nextOp = new AtomicLong(1);
  private volatile String notLeaderTo;
  private volatile boolean notLeader;
  private volatile String token;
  private volatile int pollsToEnd = 0;
  private volatile String endStatus = Operation.DONE;

  private FakeControlApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    tablets.add(new String[] {"127.0.0.1:7401", "n1", "kHealthy", "5m12s"});
    tablets.add(new String[] {"127.0.0.1:7402", "n2", "kHealthy", "5m10s"});
  }

  public static FakeControlApi start() throws IOException {
    return new FakeControlApi();
  }

  /** {@code http://127.0.0.1:port} */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Every write answers {@code 421 NOT_LEADER} naming {@code leaderUrl} (null: no leader). */
  public FakeControlApi notLeader(String leaderUrl) {
    this.notLeader = true;
    this.notLeaderTo = leaderUrl;
    return this;
  }

  /** Calls without {@code Authorization: Bearer token} answer 401 (health excepted). */
  public FakeControlApi requireToken(String bearer) {
    this.token = bearer;
    return this;
  }

  /** Operations end with {@code status} at the {@code polls}-th {@code GET /v1/ops/{id}}. */
  public FakeControlApi operationsEnd(int polls, String status) {
    this.pollsToEnd = polls;
    this.endStatus = status;
    return this;
  }

  /** Answers {@code method path} (query excluded) with this status, content type and body. */
  public FakeControlApi answer(String method, String path, int status, String type, String body) {
    canned.put(method + " " + path, new String[] {Integer.toString(status), type, body});
    return this;
  }

  /** Data nodes for showtablet: {@code endpoint}s with node ids n1, n2, … */
  public FakeControlApi tablets(String... endpoints) {
    tablets.clear();
    for (int i = 0; i < endpoints.length; i++) {
      tablets.add(new String[] {endpoints[i], "n" + (i + 1), "kHealthy", "1m"});
    }
    return this;
  }

  /** Adds an active table (two partitions, replicas on the first two tablets). */
  public FakeControlApi table(String name) {
    ObjectNode body = Json.object().put("name", name).put("partitions", 2).put("replicas", 2);
    body.put("durability", "replicated").putNull("ttl-ms");
    body.set("schema", schema());
    tables.put(name, view(body));
    return this;
  }

  /** A minimal valid schema document: {@code id int64} key and a nullable {@code name string}. */
  public static ObjectNode schema() {
    return (ObjectNode)
        Json.read(
            "schema",
            "{\"format-version\": 1, \"schema-id\": 1, \"columns\": ["
                + "{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false},"
                + "{\"name\": \"name\", \"type\": \"string\", \"nullable\": true}],"
                + " \"primary-key\": [\"id\"]}");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      received.add(new Received(method, path, query, body, auth));
      String[] cannedAnswer = canned.get(method + " " + path);
      if (cannedAnswer != null) {
        send(exchange, Integer.parseInt(cannedAnswer[0]), cannedAnswer[1], cannedAnswer[2]);
        return;
      }
      if (token != null && !path.equals("/health") && !("Bearer " + token).equals(auth)) {
        problem(exchange, 401, "UNAUTHENTICATED", "no token, or a token that is not known");
        return;
      }
      if (notLeader && !method.equals("GET")) {
        ObjectNode p = problemNode(421, "NOT_LEADER", "this control plane is not the leader");
        if (notLeaderTo != null) {
          p.put("leader", notLeaderTo);
        }
        send(exchange, 421, "application/problem+json", Json.write(p));
        return;
      }
      route(exchange, method, path, query, body);
    } catch (RuntimeException e) {
      problem(exchange, 500, "INTERNAL", "fake control API: " + e);
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange ex, String method, String path, String query, String body)
      throws IOException {
    Map<String, String> params = params(query);
    String[] parts = path.substring(1).split("/");
    if (path.equals("/health")) {
      json(ex, 200, Json.object().put("status", "UP").put("leader", !notLeader));
    } else if (path.equals("/v1/tables")) {
      tables(ex, method, params, body);
    } else if (parts.length >= 3 && parts[1].equals("tables")) {
      table(ex, method, URLDecoder.decode(parts[2], StandardCharsets.UTF_8), parts, body);
    } else if (path.startsWith("/v1/ns/")) {
      ns(ex, method, parts[2], params, body);
    } else if (path.equals("/v1/config") && method.equals("GET")) {
      json(ex, 200, configNode());
    } else if (path.startsWith("/v1/config/") && method.equals("PUT")) {
      confset(ex, parts[2], body);
    } else if (path.startsWith("/v1/ops")) {
      ops(ex, method, parts, params);
    } else {
      problem(ex, 404, "MALFORMED_REQUEST", "no route " + method + " " + path);
    }
  }

  private void tables(HttpExchange ex, String method, Map<String, String> params, String body)
      throws IOException {
    if (method.equals("GET")) {
      ObjectNode answer = Json.object();
      ArrayNode list = answer.putArray("tables");
      boolean dropped = "true".equals(params.get("dropped"));
      tables.values().stream()
          .filter(t -> dropped || t.get("state").asText().equals("active"))
          .forEach(list::add);
      json(ex, 200, answer);
      return;
    }
    JsonNode request = request(ex, body);
    if (request == null) {
      return;
    }
    for (String member : List.of("name", "schema", "partitions", "replicas")) {
      if (!request.hasNonNull(member)) {
        problem(ex, 400, "MALFORMED_REQUEST", member + " is required");
        return;
      }
    }
    String name = request.get("name").asText();
    if (tables.containsKey(name)) {
      problem(ex, 409, "TABLE_EXISTS", "table " + name + " exists");
      return;
    }
    ObjectNode view = view(request.deepCopy());
    if (!view.hasNonNull("durability")) {
      view.put("durability", view.get("replicas").asInt() > 1 ? "replicated" : "memory");
    }
    tables.put(name, view);
    json(ex, 201, view);
  }

  private ObjectNode view(ObjectNode request) {
    ObjectNode view = Json.object();
    view.put("name", request.get("name").asText()).put("tid", nextTid.getAndIncrement());
    view.set("partitions", request.get("partitions"));
    view.set("replicas", request.get("replicas"));
    view.set("durability", request.get("durability"));
    view.set("ttl-ms", request.hasNonNull("ttl-ms") ? request.get("ttl-ms") : null);
    view.put("state", "active").putNull("drop-time-ms");
    view.set("schema", request.get("schema"));
    return view;
  }

  private void table(HttpExchange ex, String method, String name, String[] parts, String body)
      throws IOException {
    ObjectNode view = tables.get(name);
    if (view == null) {
      problem(ex, 404, "TABLE_NOT_FOUND", "no table " + name);
    } else if (method.equals("GET")) {
      json(ex, 200, described(view));
    } else if (method.equals("DELETE")) {
      view.put("state", "dropped").put("drop-time-ms", 1_700_000_000_000L);
      json(ex, 200, view);
    } else if (method.equals("POST") && parts.length == 4 && parts[3].equals("undrop")) {
      view.put("state", "active").putNull("drop-time-ms");
      json(ex, 200, view);
    } else {
      problem(ex, 405, "MALFORMED_REQUEST", method + " not allowed here");
    }
  }

  /** The view with its {@code assignments}, as describe answers. */
  private ObjectNode described(ObjectNode view) {
    ObjectNode described = view.deepCopy();
    ArrayNode partitions = described.putArray("assignments");
    for (int pid = 0; pid < view.get("partitions").asInt(); pid++) {
      ObjectNode p = partitions.addObject().put("pid", pid).put("term", 3).put("leader", "n1");
      ArrayNode replicas = p.putArray("replicas");
      for (int r = 0; r < Math.min(tablets.size(), view.get("replicas").asInt()); r++) {
        replicas
            .addObject()
            .put("node", tablets.get(r)[1])
            .put("endpoint", tablets.get(r)[0])
            .put("role", r == 0 ? "leader" : "follower")
            .put("alive", true)
            .put("state", "normal")
            .put("offset", 42)
            .put("lag", r == 0 ? 0 : 2);
      }
    }
    return described;
  }

  private void ns(
      HttpExchange ex, String method, String command, Map<String, String> params, String body)
      throws IOException {
    if (method.equals("GET")) {
      ObjectNode answer = Json.object();
      ArrayNode rows = answer.putArray("rows");
      switch (command) {
        case "showtablet" ->
            tablets.forEach(
                t ->
                    rows.addObject()
                        .put("endpoint", t[0])
                        .put("node", t[1])
                        .put("state", t[2])
                        .put("age", t[3]));
        case "showtable" -> replicaRows(params.get("table"), rows, true);
        case "gettablestatus" -> replicaRows(params.get("table"), rows, false);
        default -> {
          problem(ex, 404, "MALFORMED_REQUEST", "no ns command " + command);
          return;
        }
      }
      json(ex, 200, answer);
      return;
    }
    JsonNode request = request(ex, body);
    if (request == null) {
      return;
    }
    String table = request.hasNonNull("table") ? request.get("table").asText() : null;
    if (table != null && !tables.containsKey(table)) {
      problem(ex, 404, "TABLE_NOT_FOUND", "no table " + table);
      return;
    }
    if (command.equals("migrate")) {
      ObjectNode answer = Json.object();
      ArrayNode ids = answer.putArray("op_ids");
      request.get("pids").forEach(pid -> ids.add(newOp("Migrate", table, pid.asInt())));
      json(ex, 202, answer);
      return;
    }
    Integer pid =
        request.hasNonNull("pid") && request.get("pid").isInt() ? request.get("pid").asInt() : null;
    json(ex, 202, Json.object().put("op_id", newOp(opType(command), table, pid)));
  }

  private void replicaRows(String only, ArrayNode rows, boolean showtable) {
    for (ObjectNode view : tables.values()) {
      String name = view.get("name").asText();
      if ((only != null && !only.equals(name)) || view.get("state").asText().equals("dropped")) {
        continue;
      }
      for (int pid = 0; pid < view.get("partitions").asInt(); pid++) {
        for (int r = 0; r < Math.min(tablets.size(), view.get("replicas").asInt()); r++) {
          ObjectNode row = rows.addObject();
          if (showtable) {
            row.put("name", name);
          }
          row.put("tid", view.get("tid").asLong())
              .put("pid", pid)
              .put("endpoint", tablets.get(r)[0]);
          row.put("role", r == 0 ? "leader" : "follower");
          if (showtable) {
            row.put("ttl", "0min").put("is_alive", "yes").put("compress_type", "kNoCompress");
            row.put("offset", 42).put("record_cnt", 7).put("memused", "1.2 KiB");
          } else {
            row.put("state", "normal").put("offset", 42).put("is_alive", "yes");
          }
        }
      }
    }
  }

  private static String opType(String command) {
    return switch (command) {
      case "changeleader" -> "ChangeLeader";
      case "offlineendpoint" -> "OfflineEndpoint";
      case "recoverendpoint" -> "RecoverEndpoint";
      case "recovertable" -> "RecoverTable";
      case "updatetablealive" -> "UpdateTableAlive";
      case "addreplica" -> "AddReplica";
      case "delreplica" -> "DelReplica";
      case "loadtable" -> "LoadTable";
      default -> throw new IllegalArgumentException("no ns command " + command);
    };
  }

  private long newOp(String type, String table, Integer pid) {
    long id = nextOp.getAndIncrement();
    ObjectNode op = Json.object().put("op_id", id).put("op_type", type).put("name", table);
    op.put("pid", pid).put("status", "doing").put("start_time", "2026-12-02T07:00:00Z");
    op.putNull("end_time").put("execute_time", "0.1s").put("cur_task", "prepare").putNull("reason");
    op.putObject("detail").put("requested_by", "test");
    ops.put(id, op);
    pollsLeft.put(id, pollsToEnd);
    return id;
  }

  private void ops(HttpExchange ex, String method, String[] parts, Map<String, String> params)
      throws IOException {
    if (parts.length == 2) {
      ObjectNode answer = Json.object();
      ArrayNode list = answer.putArray("ops");
      ops.values().stream()
          .filter(
              op ->
                  !params.containsKey("table")
                      || params.get("table").equals(op.path("name").asText()))
          .filter(
              op -> !params.containsKey("pid") || params.get("pid").equals(op.path("pid").asText()))
          .sorted((a, b) -> Long.compare(b.get("op_id").asLong(), a.get("op_id").asLong()))
          .forEach(list::add);
      json(ex, 200, answer);
      return;
    }
    long id = Long.parseLong(parts[2]);
    ObjectNode op = ops.get(id);
    if (op == null) {
      problem(ex, 404, "OPERATION_NOT_FOUND", "no operation " + id);
    } else if (parts.length == 4 && parts[3].equals("cancel") && method.equals("POST")) {
      if (!op.get("status").asText().equals("doing")) {
        problem(ex, 409, "CONFLICT", "operation " + id + " already ended");
        return;
      }
      end(op, Operation.CANCELED, "canceled by request");
      json(ex, 200, op);
    } else {
      int left = pollsLeft.merge(id, -1, Integer::sum);
      if (left <= 0 && op.get("status").asText().equals("doing")) {
        end(op, endStatus, endStatus.equals(Operation.DONE) ? null : "replica not alive");
      }
      json(ex, 200, op);
    }
  }

  private static void end(ObjectNode op, String status, String reason) {
    op.put("status", status).put("end_time", "2026-12-02T07:00:01.200Z").put("cur_task", "-");
    op.put("execute_time", "1.2s").put("reason", reason);
  }

  private void confset(HttpExchange ex, String name, String body) throws IOException {
    JsonNode request = request(ex, body);
    if (request == null) {
      return;
    }
    if (!config.containsKey(name)) {
      problem(ex, 400, "INVALID_ARGUMENT", "unknown config name '" + name + "'");
      return;
    }
    config.put(name, request.get("value").asText());
    json(ex, 200, configNode());
  }

  private ObjectNode configNode() {
    ObjectNode node = Json.object();
    config.forEach(node::put);
    return node;
  }

  /** The request's JSON, or null after answering 400 MALFORMED_REQUEST. */
  private JsonNode request(HttpExchange ex, String body) throws IOException {
    try {
      return Json.read("request", body);
    } catch (FormatException e) {
      problem(ex, 400, "MALFORMED_REQUEST", e.getMessage());
      return null;
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        params.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return params;
  }

  private static ObjectNode problemNode(int status, String code, String detail) {
    return Json.object()
        .put("type", "https://floe.dev/problems/" + code.toLowerCase().replace('_', '-'))
        .put("title", code.replace('_', ' ').toLowerCase())
        .put("status", status)
        .put("detail", detail)
        .put("code", code);
  }

  private static void problem(HttpExchange ex, int status, String code, String detail)
      throws IOException {
    send(ex, status, "application/problem+json", Json.write(problemNode(status, code, detail)));
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json", Json.write(body));
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Operations as stored, for assertions. */
  public List<JsonNode> operations() {
    return new ArrayList<>(ops.values());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
