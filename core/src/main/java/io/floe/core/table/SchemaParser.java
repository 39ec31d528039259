package io.floe.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the table schema document (spec.md §2, {@code json/table-schema.schema.json}).
 * {@link #fromJson} also validates: a schema read back is always one Floe accepts.
 */
public final class SchemaParser {
  public static final String KIND = "table schema";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private SchemaParser() {}

  public static String toJson(Schema schema) {
    return Json.write(toNode(schema));
  }

  public static ObjectNode toNode(Schema schema) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("schema-id", schema.schemaId());
    ArrayNode columns = node.putArray("columns");
    for (Column column : schema.columns()) {
      columns
          .addObject()
          .put("name", column.name())
          .put("type", column.type().jsonName())
          .put("nullable", column.nullable());
    }
    ArrayNode key = node.putArray("primary-key");
    schema.primaryKey().forEach(key::add);
    return node;
  }

  /**
   * @throws FormatException for a malformed document or unknown type
   * @throws io.floe.core.format.UnsupportedFormatVersionException for an unknown format-version
   * @throws InvalidSchemaException for a well-formed schema that breaks spec.md §2.2
   */
  public static Schema fromJson(String json) {
    return fromNode(Json.read(KIND, json));
  }

  public static Schema fromNode(JsonNode node) {
    JsonObject root = JsonObject.root(KIND, node);
    root.formatVersion(SUPPORTED);
    List<Column> columns = new ArrayList<>();
    for (JsonObject column : root.objects("columns")) {
      columns.add(column(column));
    }
    Schema schema = new Schema(root.integer("schema-id"), columns, root.strings("primary-key"));
    return SchemaValidator.validate(schema);
  }

  private static Column column(JsonObject node) {
    String name = node.string("name");
    return new Column(name, type(node, name), node.bool("nullable"));
  }

  private static ColumnType type(JsonObject node, String column) {
    String type = node.string("type");
    for (ColumnType candidate : ColumnType.values()) {
      if (candidate.jsonName().equals(type)) {
        return candidate;
      }
    }
    throw node.error(
        "type", "of column '" + column + "': unknown type '" + type + "' (known: " + known() + ")");
  }

  private static String known() {
    List<String> names = new ArrayList<>();
    for (ColumnType type : ColumnType.values()) {
      names.add(type.jsonName());
    }
    return String.join(", ", names);
  }
}
