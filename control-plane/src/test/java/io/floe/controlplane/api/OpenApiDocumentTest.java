package io.floe.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document compiling the control plane generates is the one checked into {@code
 * schemas/openapi/}: a change of the API shows in review. To refresh the copy after a change, run
 * this test with {@code -Dfloe.openapi.update=true}.
 */
class OpenApiDocumentTest {
  private static final Path CHECKED_IN = Path.of("../schemas/openapi/control-api.yml");

  @Test
  void theCheckedInDocumentIsTheGeneratedOne() throws IOException {
    String generated;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/swagger/floe-control-api-1.yml")) {
      assertThat(in).as("the build generates the OpenAPI document").isNotNull();
      generated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (Boolean.getBoolean("floe.openapi.update")) {
      Files.writeString(CHECKED_IN, generated);
    }
    assertThat(Files.readString(CHECKED_IN))
        .as(
            "schemas/openapi/control-api.yml is stale: run the control plane's OpenApiDocumentTest"
                + " with -Dfloe.openapi.update=true and commit the file")
        .isEqualTo(generated);
    assertThat(generated).contains("/v1/tables", "/v1/ns/changeleader", "/v1/ops/{id}/cancel");
  }
}
