package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.ops.Operation;
import io.floe.controlplane.ops.OperationStore;
import io.floe.core.format.Json;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;

/** Operations: OpenMLDB's showopstatus, one operation, cancel (control-api.md §4). */
@Controller("/v1/ops")
public final class OpsController {
  private final ControlPlane cp;

  public OpsController(ControlPlane cp) {
    this.cp = cp;
  }

  @Get
  public HttpResponse<byte[]> list(
      @QueryValue @Nullable String table, @QueryValue @Nullable Integer pid) {
    long now = System.currentTimeMillis();
    List<OperationStore.Stored> all = cp.operations().all();
    ObjectNode out = Json.object();
    ArrayNode ops = out.putArray("ops");
    for (int i = all.size() - 1; i >= 0; i--) {
      Operation op = all.get(i).op();
      if ((table == null || table.equals(op.table())) && (pid == null || pid == op.pid())) {
        ops.add(Views.operation(op, now));
      }
    }
    return Responses.ok(out);
  }

  @Get("/{id}")
  public HttpResponse<byte[]> get(@PathVariable long id) {
    Operation op =
        cp.operations()
            .get(id)
            .orElseThrow(
                () -> new ControlException(Problem.OPERATION_NOT_FOUND, "no operation " + id))
            .op();
    return Responses.ok(Views.operation(op, System.currentTimeMillis()));
  }

  @Post("/{id}/cancel")
  @Consumes(MediaType.ALL)
  public HttpResponse<byte[]> cancel(@PathVariable long id) {
    cp.requireLeader();
    return Responses.ok(Views.operation(cp.engine().cancel(id), System.currentTimeMillis()));
  }
}
