package io.floe.storage.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Reads and writes node registrations ({@code json/node-registration.schema.json}). */
public final class NodeRegistrationParser {
  public static final String KIND = "node registration";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private NodeRegistrationParser() {}

  public static String toJson(NodeRegistration r) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("node", r.node()).put("endpoint", r.endpoint());
    node.put("incarnation", r.incarnation());
    node.put("memory-limit-bytes", r.memoryLimitBytes());
    node.put("start-time-ms", r.startTimeMs());
    return Json.write(node);
  }

  public static byte[] toBytes(NodeRegistration r) {
    return toJson(r).getBytes(StandardCharsets.UTF_8);
  }

  public static NodeRegistration fromJson(String json) {
    return read(Json.read(KIND, json));
  }

  public static NodeRegistration fromJson(byte[] utf8) {
    return read(Json.read(KIND, utf8));
  }

  private static NodeRegistration read(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    String endpoint = root.text("endpoint");
    if (endpoint.lastIndexOf(':') < 1) {
      throw root.error("endpoint", "must be host:port, found '" + endpoint + "'");
    }
    return new NodeRegistration(
        root.text("node"),
        endpoint,
        root.count("incarnation"),
        root.count("memory-limit-bytes"),
        root.count("start-time-ms"));
  }
}
