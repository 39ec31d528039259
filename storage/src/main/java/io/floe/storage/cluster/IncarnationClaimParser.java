package io.floe.storage.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Reads and writes incarnation claims ({@code json/incarnation-claim.schema.json}). */
public final class IncarnationClaimParser {
  public static final String KIND = "incarnation claim";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);
  private static final String NODE = "node";
  private static final String INCARNATION = "incarnation";
  private static final String CLAIMED_AT_MS = "claimed-at-ms";
  private static final String HOST = "host";
  private static final String PID = "pid";

  private IncarnationClaimParser() {}

  public static String toJson(IncarnationClaim claim) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put(NODE, claim.node()).put(INCARNATION, claim.incarnation());
    node.put(CLAIMED_AT_MS, claim.claimedAtMs()).put(HOST, claim.host()).put(PID, claim.pid());
    return Json.write(node);
  }

  public static byte[] toBytes(IncarnationClaim claim) {
    return toJson(claim).getBytes(StandardCharsets.UTF_8);
  }

  public static IncarnationClaim fromJson(String json) {
    return read(Json.read(KIND, json));
  }

  public static IncarnationClaim fromJson(byte[] utf8) {
    return read(Json.read(KIND, utf8));
  }

  private static IncarnationClaim read(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    long incarnation = root.count(INCARNATION);
    if (incarnation < 1) {
      throw root.error(INCARNATION, "must be at least 1, found " + incarnation);
    }
    return new IncarnationClaim(
        root.text(NODE), incarnation, root.count(CLAIMED_AT_MS), root.text(HOST), root.count(PID));
  }
}
