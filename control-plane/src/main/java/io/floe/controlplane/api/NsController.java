package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.ops.OpType;
import io.floe.controlplane.ops.Operation;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** OpenMLDB's {@code ns} commands and the cluster config (control-api.md §3). */
@Controller("/v1")
public final class NsController {
  private final ControlPlane cp;

  public NsController(ControlPlane cp) {
    this.cp = cp;
  }

  @Get("/ns/showtable")
  public HttpResponse<byte[]> showTable(@QueryValue @Nullable String table) {
    ClusterView view = cp.view();
    if (table != null && view.table(table).isEmpty()) {
      throw new ControlException(Problem.TABLE_NOT_FOUND, "no table " + table);
    }
    ObjectNode out = Json.object();
    out.set("rows", Views.showTable(view, cp, Optional.ofNullable(table)));
    return Responses.ok(out);
  }

  @Get("/ns/gettablestatus")
  public HttpResponse<byte[]> tableStatus(@QueryValue @Nullable String table) {
    ClusterView view = cp.view();
    if (table != null && view.table(table).isEmpty()) {
      throw new ControlException(Problem.TABLE_NOT_FOUND, "no table " + table);
    }
    ObjectNode out = Json.object();
    out.set("rows", Views.tableStatus(view, cp, Optional.ofNullable(table)));
    return Responses.ok(out);
  }

  @Get("/ns/showtablet")
  public HttpResponse<byte[]> showTablet() {
    ObjectNode out = Json.object();
    out.set("rows", Views.showTablet(cp.view(), cp, System.currentTimeMillis()));
    return Responses.ok(out);
  }

  /**
   * Values under the cluster's prefix in etcd that do not parse, each with why. A partition whose
   * assignment is among them keeps its replicas and its last good value on the nodes, and no
   * operation changes it until someone writes a good one (spec §12.6).
   */
  @Get("/meta/unreadable")
  public HttpResponse<byte[]> unreadable() {
    ObjectNode out = Json.object();
    var values = out.putArray("values");
    cp.view()
        .unreadable()
        .forEach((key, why) -> values.addObject().put("key", key).put("error", why));
    return Responses.ok(out);
  }

  @Get("/config")
  public HttpResponse<byte[]> config() {
    ObjectNode out = Json.object();
    cp.config().all().forEach(out::put);
    return Responses.ok(out);
  }

  @Put("/config/{name}")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> setConfig(@PathVariable String name, @Body @Nullable String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    cp.config().set(name, Bodies.read(() -> req.text("value")));
    return config();
  }

  @Post("/ns/changeleader")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> changeLeader(@Body @Nullable String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    ClusterView view = cp.view();
    CatalogTable table = table(view, Bodies.read(() -> req.string("table")));
    int pid = pid(table, Bodies.read(() -> req.integer("pid")));
    Map<String, String> params = new HashMap<>();
    String endpoint = req.has("endpoint") ? Bodies.read(() -> req.string("endpoint")) : "auto";
    if (!endpoint.equals("auto")) {
      params.put("endpoint", node(view, endpoint).node());
    }
    params.put("reason", "changeleader on request");
    return accepted(cp.engine().submit(OpType.ChangeLeader, table.fullName(), pid, params));
  }

  @Post("/ns/offlineendpoint")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> offlineEndpoint(@Body @Nullable String body) {
    return endpointOp(OpType.OfflineEndpoint, body);
  }

  @Post("/ns/recoverendpoint")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> recoverEndpoint(@Body @Nullable String body) {
    return endpointOp(OpType.RecoverEndpoint, body);
  }

  private HttpResponse<byte[]> endpointOp(OpType type, String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    String node = knownNode(cp.view(), Bodies.read(() -> req.string("endpoint")));
    return accepted(cp.engine().submit(type, "", -1, Map.of("endpoint", node)));
  }

  @Post("/ns/recovertable")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> recoverTable(@Body @Nullable String body) {
    return replicaOp(OpType.RecoverTable, body, true);
  }

  @Post("/ns/addreplica")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> addReplica(@Body @Nullable String body) {
    return replicaOp(OpType.AddReplica, body, false);
  }

  /** OpenMLDB loads a table's partition on a tablet; here that is a new replica there. */
  @Post("/ns/loadtable")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> loadTable(@Body @Nullable String body) {
    return replicaOp(OpType.AddReplica, body, false);
  }

  @Post("/ns/delreplica")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> delReplica(@Body @Nullable String body) {
    return replicaOp(OpType.DelReplica, body, true);
  }

  private HttpResponse<byte[]> replicaOp(OpType type, String body, boolean mustHold) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    ClusterView view = cp.view();
    CatalogTable table = table(view, Bodies.read(() -> req.string("table")));
    int pid = pid(table, Bodies.read(() -> req.integer("pid")));
    String node =
        mustHold
            ? knownNode(view, Bodies.read(() -> req.string("endpoint")))
            : node(view, Bodies.read(() -> req.string("endpoint"))).node();
    boolean holds =
        view.assignment(table.tid(), pid)
            .map(a -> a.assignment().replicaOn(node).isPresent())
            .orElse(false);
    if (mustHold && !holds) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT,
          node + " holds no replica of " + table.fullName() + " pid " + pid);
    }
    if (!mustHold && holds) {
      throw new ControlException(
          Problem.CONFLICT,
          node + " already holds a replica of " + table.fullName() + " pid " + pid);
    }
    return accepted(cp.engine().submit(type, table.fullName(), pid, Map.of("endpoint", node)));
  }

  @Post("/ns/updatetablealive")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> updateTableAlive(@Body @Nullable String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    ClusterView view = cp.view();
    CatalogTable table = table(view, Bodies.read(() -> req.string("table")));
    String pidText = Bodies.read(() -> req.text("pid"));
    int pid;
    if (pidText.equals("*")) {
      pid = -1;
    } else {
      try {
        pid = pid(table, Integer.parseInt(pidText));
      } catch (NumberFormatException e) {
        throw new ControlException(
            Problem.MALFORMED_REQUEST, "pid is a partition id or '*', not '" + pidText + "'");
      }
    }
    String alive = Bodies.read(() -> req.string("alive"));
    if (!alive.equals("yes") && !alive.equals("no")) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "alive is yes or no, not '" + alive + "'");
    }
    String node = knownNode(view, Bodies.read(() -> req.string("endpoint")));
    return accepted(
        cp.engine()
            .submit(
                OpType.UpdateTableAlive,
                table.fullName(),
                pid,
                Map.of("endpoint", node, "alive", alive)));
  }

  @Post("/ns/migrate")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> migrate(@Body @Nullable String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    ClusterView view = cp.view();
    CatalogTable table = table(view, Bodies.read(() -> req.string("table")));
    String src = knownNode(view, Bodies.read(() -> req.string("src_endpoint")));
    String des = node(view, Bodies.read(() -> req.string("des_endpoint"))).node();
    if (src.equals(des)) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "src_endpoint and des_endpoint are the same node");
    }
    java.util.List<Integer> pids = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode p : req.node("pids")) {
      if (!p.canConvertToInt()) {
        throw new ControlException(Problem.MALFORMED_REQUEST, "pids holds partition ids, not " + p);
      }
      pids.add(pid(table, p.asInt()));
    }
    if (pids.isEmpty()) {
      throw new ControlException(Problem.INVALID_ARGUMENT, "pids is empty");
    }
    for (int pid : pids) {
      var a = view.assignment(table.tid(), pid).orElseThrow().assignment();
      if (a.replicaOn(src).isEmpty()) {
        throw new ControlException(
            Problem.INVALID_ARGUMENT,
            src + " holds no replica of " + table.fullName() + " pid " + pid);
      }
      if (a.replicaOn(des).isPresent()) {
        throw new ControlException(
            Problem.CONFLICT,
            des + " already holds a replica of " + table.fullName() + " pid " + pid);
      }
    }
    ObjectNode out = Json.object();
    var ids = out.putArray("op_ids");
    for (int pid : pids) {
      ids.add(
          cp.engine()
              .submit(OpType.Migrate, table.fullName(), pid, Map.of("src", src, "des", des))
              .id());
    }
    return Responses.json(HttpStatus.ACCEPTED, out);
  }

  /** A node by id or endpoint, registered now or named by some assignment (a node that is down). */
  private static String knownNode(ClusterView view, String idOrEndpoint) {
    Optional<NodeRegistration> registered = view.node(idOrEndpoint);
    if (registered.isPresent()) {
      return registered.get().node();
    }
    boolean assigned =
        view.allAssignments().stream()
            .anyMatch(a -> a.assignment().replicaOn(idOrEndpoint).isPresent());
    if (assigned) {
      return idOrEndpoint;
    }
    throw new ControlException(Problem.NODE_NOT_FOUND, "no node " + idOrEndpoint);
  }

  private static CatalogTable table(ClusterView view, String name) {
    return view.table(name)
        .orElseThrow(() -> new ControlException(Problem.TABLE_NOT_FOUND, "no table " + name));
  }

  private static int pid(CatalogTable t, int pid) {
    if (pid < 0 || pid >= t.partitions()) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT,
          "table " + t.fullName() + " has partitions 0.." + (t.partitions() - 1) + ", not " + pid);
    }
    return pid;
  }

  private static NodeRegistration node(ClusterView view, String idOrEndpoint) {
    return view.node(idOrEndpoint)
        .orElseThrow(
            () ->
                new ControlException(Problem.NODE_NOT_FOUND, "no registered node " + idOrEndpoint));
  }

  private static HttpResponse<byte[]> accepted(Operation op) {
    ObjectNode out = Json.object();
    out.put("op_id", op.id());
    return Responses.json(HttpStatus.ACCEPTED, out);
  }
}
