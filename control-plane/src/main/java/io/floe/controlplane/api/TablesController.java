package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.tables.TableService.CreateRequest;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.storage.catalog.CatalogTable;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.Optional;
import java.util.OptionalLong;

/** Tables: list, create, describe, drop, undrop (control-api.md §2). */
@Controller("/v1/tables")
public final class TablesController {
  private final ControlPlane cp;

  public TablesController(ControlPlane cp) {
    this.cp = cp;
  }

  @Get
  public HttpResponse<byte[]> list(@QueryValue @Nullable Boolean dropped) {
    ClusterView view = cp.view();
    ObjectNode out = Json.object();
    ArrayNode tables = out.putArray("tables");
    view.tables().forEach(t -> tables.add(Views.table(t)));
    if (Boolean.TRUE.equals(dropped)) {
      view.dropped().forEach(t -> tables.add(Views.table(t)));
    }
    return Responses.ok(out);
  }

  @Post
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> create(@Body @Nullable String body) {
    cp.requireLeader();
    JsonObject req = Bodies.object(body);
    String name = Bodies.read(() -> req.string("name"));
    Schema schema;
    try {
      schema = SchemaParser.fromNode(req.node("schema"));
    } catch (FormatException | IllegalArgumentException e) {
      throw new ControlException(Problem.INVALID_SCHEMA, "schema: " + e.getMessage());
    }
    int partitions = Bodies.read(() -> req.has("partitions") ? req.integer("partitions") : 1);
    int replicas = Bodies.read(() -> req.has("replicas") ? req.integer("replicas") : 1);
    Optional<Durability> durability = Optional.empty();
    if (req.has("durability")) {
      String d = Bodies.read(() -> req.string("durability"));
      Durability mode = Durability.fromJsonName(d);
      if (mode == null) {
        throw new ControlException(
            Problem.INVALID_ARGUMENT, "durability is memory, replicated or s3, not '" + d + "'");
      }
      durability = Optional.of(mode);
    }
    OptionalLong ttl =
        req.has("ttl-ms") && !req.node("ttl-ms").isNull()
            ? OptionalLong.of(Bodies.read(() -> req.longValue("ttl-ms")))
            : OptionalLong.empty();
    CatalogTable created =
        cp.tables().create(new CreateRequest(name, schema, partitions, replicas, durability, ttl));
    return Responses.json(HttpStatus.CREATED, Views.table(created));
  }

  @Get("/{name}")
  public HttpResponse<byte[]> describe(@PathVariable String name) {
    ClusterView view = cp.view();
    CatalogTable t =
        view.table(name)
            .orElseThrow(() -> new ControlException(Problem.TABLE_NOT_FOUND, "no table " + name));
    return Responses.ok(Views.describe(t, view, cp));
  }

  @Delete("/{name}")
  public HttpResponse<byte[]> drop(@PathVariable String name) {
    cp.requireLeader();
    return Responses.ok(Views.table(cp.tables().drop(name)));
  }

  @Post("/{name}/undrop")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> undrop(@PathVariable String name) {
    cp.requireLeader();
    return Responses.ok(Views.table(cp.tables().undrop(name)));
  }
}
