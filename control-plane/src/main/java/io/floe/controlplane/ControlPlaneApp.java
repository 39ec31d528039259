package io.floe.controlplane;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Starts one control-plane replica (DESIGN.md §2): it campaigns for leadership in etcd. */
@OpenAPIDefinition(
    info =
        @Info(
            title = "floe-control-api",
            version = "1",
            description =
                "The Floe control plane's HTTP API: tables, OpenMLDB's ns commands, operations."
                    + " Errors are RFC 9457 problem details with a stable code"
                    + " (schemas/spec/control-api.md)."),
    security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
public final class ControlPlaneApp {
  private ControlPlaneApp() {}

  public static void main(String[] args) {
    Micronaut.run(ControlPlaneApp.class, args);
  }
}
