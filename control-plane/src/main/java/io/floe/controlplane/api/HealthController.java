package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlPlane;
import io.floe.core.format.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** Liveness and leadership of this replica, for load balancers and scripts (no token). */
@Controller("/health")
public final class HealthController {
  private final ControlPlane cp;

  public HealthController(ControlPlane cp) {
    this.cp = cp;
  }

  @Get
  public HttpResponse<byte[]> health() {
    ObjectNode out = Json.object();
    out.put("status", "UP");
    out.put("leader", cp.leading());
    cp.leader().ifPresent(l -> out.put("leader-url", l));
    return Responses.ok(out);
  }
}
