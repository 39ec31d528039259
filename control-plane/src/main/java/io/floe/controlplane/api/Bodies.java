package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;

/** Request bodies: parsed with the same strict reader as Floe's stored documents. */
final class Bodies {
  private Bodies() {}

  static JsonObject object(String body) {
    if (body == null || body.isBlank()) {
      throw new ControlException(Problem.MALFORMED_REQUEST, "the request needs a JSON body");
    }
    try {
      JsonNode node = Json.read("request", body);
      if (!node.isObject()) {
        throw new ControlException(Problem.MALFORMED_REQUEST, "the body must be a JSON object");
      }
      return JsonObject.root("request", node);
    } catch (FormatException e) {
      throw new ControlException(Problem.MALFORMED_REQUEST, e.getMessage());
    }
  }

  /** Runs {@code read} turning a member of the wrong shape into {@code MALFORMED_REQUEST}. */
  static <T> T read(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (FormatException e) {
      throw new ControlException(Problem.MALFORMED_REQUEST, e.getMessage());
    }
  }
}
