package io.floe.storage.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Reads and writes partition status reports ({@code json/partition-status.schema.json}). */
public final class PartitionReportParser {
  public static final String KIND = "partition status";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private PartitionReportParser() {}

  public static String toJson(PartitionReport r) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("node", r.node()).put("tid", r.tableId()).put("pid", r.partition());
    node.put("role", r.role().name().toLowerCase(Locale.ROOT));
    node.put("term", r.term()).put("offset", r.offset());
    node.put("state", r.state().name().toLowerCase(Locale.ROOT));
    node.put("row-count", r.rowCount()).put("memory-bytes", r.memoryBytes());
    node.put("writable", r.writable());
    r.error().ifPresent(e -> node.put("error", e));
    r.replication()
        .ifPresent(
            p -> {
              node.put("replica-state", p.replicaState())
                  .put("commit-offset", p.commitOffset())
                  .put("lag", p.lag());
              if (p.manifestVersion() > 0) {
                node.put("manifest-version", p.manifestVersion());
              }
            });
    return Json.write(node);
  }

  public static byte[] toBytes(PartitionReport r) {
    return toJson(r).getBytes(StandardCharsets.UTF_8);
  }

  public static PartitionReport fromJson(String json) {
    return read(Json.read(KIND, json));
  }

  public static PartitionReport fromJson(byte[] utf8) {
    return read(Json.read(KIND, utf8));
  }

  private static PartitionReport read(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    return new PartitionReport(
        root.text("node"),
        root.count("tid"),
        root.integer("pid"),
        named(root, "role", PartitionRole.class),
        root.count("term"),
        root.count("offset"),
        named(root, "state", PartitionState.class),
        root.count("row-count"),
        root.count("memory-bytes"),
        root.bool("writable"),
        root.optionalString("error"),
        root.optionalString("replica-state")
            .map(
                state ->
                    new PartitionReport.ReplicaProgress(
                        state,
                        root.count("commit-offset"),
                        root.count("lag"),
                        root.optionalLong("manifest-version").orElse(0L))));
  }

  private static <E extends Enum<E>> E named(JsonObject root, String name, Class<E> type) {
    String text = root.string(name);
    for (E value : type.getEnumConstants()) {
      if (value.name().toLowerCase(Locale.ROOT).equals(text)) {
        return value;
      }
    }
    throw root.error(name, "unknown value '" + text + "'");
  }
}
