package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.format.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.nio.charset.StandardCharsets;

/** JSON answers written as bytes, so no codec reshapes them. */
final class Responses {
  private Responses() {}

  static MutableHttpResponse<byte[]> json(HttpStatus status, JsonNode body) {
    return HttpResponse.<byte[]>status(status)
        .body(Json.write(body).getBytes(StandardCharsets.UTF_8))
        .contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  static MutableHttpResponse<byte[]> ok(JsonNode body) {
    return json(HttpStatus.OK, body);
  }
}
