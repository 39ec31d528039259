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
