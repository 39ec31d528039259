package io.floe.storage.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import io.floe.storage.cluster.PartitionAssignment.Replica;
import io.floe.storage.cluster.PartitionAssignment.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes partition assignments ({@code json/partition-assignment.schema.json}). Reading
 * checks what the JSON Schema cannot: replicas on distinct nodes, exactly one leader replica, and
 * that it is the node {@code leader} names.
 */
public final class PartitionAssignmentParser {
  public static final String KIND = "partition assignment";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private PartitionAssignmentParser() {}

  public static String toJson(PartitionAssignment a) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("tid", a.tableId()).put("pid", a.partition());
    node.put("term", a.term()).put("leader", a.leader());
    ArrayNode replicas = node.putArray("replicas");
    for (Replica r : a.replicas()) {
      replicas.addObject().put("node", r.node()).put("role", r.role().jsonName());
    }
    node.put("version", a.version());
    a.handover()
        .ifPresent(
            h ->
                node.putObject("handover")
                    .put("from", h.from())
                    .put("incarnation", h.incarnation())
                    .put("last-seq", h.lastSeq()));
    return Json.write(node);
  }

  public static byte[] toBytes(PartitionAssignment a) {
    return toJson(a).getBytes(StandardCharsets.UTF_8);
  }

  public static PartitionAssignment fromJson(String json) {
    return read(Json.read(KIND, json));
  }

  public static PartitionAssignment fromJson(byte[] utf8) {
    return read(Json.read(KIND, utf8));
  }

  private static PartitionAssignment read(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    long term = root.count("term");
    if (term < 1) {
      throw root.error("term", "must be at least 1, found " + term);
    }
    List<Replica> replicas = new ArrayList<>();
    for (JsonObject r : root.objects("replicas")) {
      String roleName = r.string("role");
      ReplicaRole role = ReplicaRole.fromJsonName(roleName);
      if (role == null) {
        throw r.error("role", "must be leader or follower, found '" + roleName + "'");
      }
      replicas.add(new Replica(r.text("node"), role));
    }
    PartitionAssignment a =
        new PartitionAssignment(
            root.count("tid"),
            root.integer("pid"),
            term,
            root.text("leader"),
            replicas,
            root.count("version"),
            root.optionalObject("handover")
                .map(
                    h ->
                        new HandOverPoint(
                            h.text("from"), h.count("incarnation"), h.count("last-seq"))));
    check(a);
    return a;
  }

  private static void check(PartitionAssignment a) {
    Set<String> nodes = new HashSet<>();
    List<String> leaders = new ArrayList<>();
    for (Replica r : a.replicas()) {
      if (!nodes.add(r.node())) {
        throw new FormatException(KIND + ": node '" + r.node() + "' holds two replicas");
      }
      if (r.role() == ReplicaRole.LEADER) {
        leaders.add(r.node());
      }
    }
    if (!leaders.equals(List.of(a.leader()))) {
      throw new FormatException(
          KIND
              + ": leader '"
              + a.leader()
              + "' must be the one replica with role leader, found "
              + leaders);
    }
  }
}
