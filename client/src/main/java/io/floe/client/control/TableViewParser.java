package io.floe.client.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.client.control.TableView.PartitionView;
import io.floe.client.control.TableView.ReplicaView;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.table.Durability;
import io.floe.core.table.SchemaParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@code TableView} (control-api.md §2): {@code partitions} is the count; a
 * description adds {@code assignments}, each partition's leader, term and replicas.
 */
public final class TableViewParser {
  static final String NAME = "name";
  static final String TID = "tid";
  static final String PARTITIONS = "partitions";
  static final String ASSIGNMENTS = "assignments";
  static final String REPLICAS = "replicas";
  static final String DURABILITY = "durability";
  static final String TTL_MS = "ttl-ms";
  static final String STATE = "state";
  static final String DROP_TIME_MS = "drop-time-ms";
  static final String SCHEMA = "schema";
  static final String PID = "pid";
  static final String TERM = "term";
  static final String LEADER = "leader";
  static final String NODE = "node";
  static final String ENDPOINT = "endpoint";
  static final String ROLE = "role";
  static final String ALIVE = "alive";
  static final String OFFSET = "offset";
  static final String LAG = "lag";

  private TableViewParser() {}

  public static ObjectNode toNode(TableView table) {
    ObjectNode node = Json.object();
    node.put(NAME, table.name());
    node.put(TID, table.tid());
    node.put(PARTITIONS, table.partitions());
    if (!table.placement().isEmpty()) {
      ArrayNode assignments = node.putArray(ASSIGNMENTS);
      table.placement().forEach(p -> assignments.add(toNode(p)));
    }
    node.put(REPLICAS, table.replicas());
    node.put(DURABILITY, table.durability().jsonName());
    node.put(TTL_MS, table.ttlMs());
    node.put(STATE, table.state());
    node.put(DROP_TIME_MS, table.dropTimeMs());
    node.set(SCHEMA, SchemaParser.toNode(table.schema()));
    return node;
  }

  private static ObjectNode toNode(PartitionView partition) {
    ObjectNode node = Json.object();
    node.put(PID, partition.pid());
    node.put(TERM, partition.term());
    node.put(LEADER, partition.leader());
    ArrayNode replicas = node.putArray(REPLICAS);
    for (ReplicaView r : partition.replicas()) {
      replicas
          .addObject()
          .put(NODE, r.node())
          .put(ENDPOINT, r.endpoint())
          .put(ROLE, r.role())
          .put(ALIVE, r.alive())
          .put(STATE, r.state())
          .put(OFFSET, r.offset())
          .put(LAG, r.lag());
    }
    return node;
  }

  /**
   * @throws FormatException naming the member that is missing or of the wrong type (the kind says
   *     which answer it was)
   */
  public static TableView fromNode(String kind, JsonNode node) {
    return fromObject(JsonObject.root(kind, node));
  }

  static TableView fromObject(JsonObject table) {
    String name = table.text(NAME);
    long tid = table.longValue(TID);
    List<PartitionView> placement = new ArrayList<>();
    if (table.has(ASSIGNMENTS)) {
      table.objects(ASSIGNMENTS).forEach(p -> placement.add(partition(p)));
    }
    return new TableView(
        name,
        tid,
        table.integer(PARTITIONS),
        table.integer(REPLICAS),
        durability(table),
        table.optionalLong(TTL_MS).orElse(null),
        table.text(STATE),
        table.optionalLong(DROP_TIME_MS).orElse(null),
        schema(table),
        placement);
  }

  private static Durability durability(JsonObject table) {
    String name = table.string(DURABILITY);
    Durability durability = Durability.fromJsonName(name);
    if (durability == null) {
      throw table.error(DURABILITY, "must be memory, replicated or s3, found '" + name + "'");
    }
    return durability;
  }

  private static io.floe.core.table.Schema schema(JsonObject table) {
    try {
      return SchemaParser.fromNode(table.node(SCHEMA));
    } catch (RuntimeException e) {
      throw table.error(SCHEMA, "is not a valid table schema: " + e.getMessage());
    }
  }

  private static PartitionView partition(JsonObject p) {
    List<ReplicaView> replicas = new ArrayList<>();
    for (JsonObject r : p.objects(REPLICAS)) {
      replicas.add(
          new ReplicaView(
              r.text(NODE),
              r.string(ENDPOINT),
              r.text(ROLE),
              r.bool(ALIVE),
              r.text(STATE),
              r.longValue(OFFSET),
              r.longValue(LAG)));
    }
    return new PartitionView(
        p.integer(PID), p.longValue(TERM), p.optionalString(LEADER).orElse(null), replicas);
  }
}
