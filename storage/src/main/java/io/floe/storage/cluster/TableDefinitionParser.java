package io.floe.storage.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.storage.catalog.CatalogParser;
import io.floe.storage.catalog.CatalogTable;
import java.util.Set;

/**
 * Reads and writes the value of {@code /floe/{cluster}/tables/{db.table}} ({@code
 * json/table-definition.schema.json}): one table's desired definition. The fields are those of a
 * catalog table ({@link CatalogTable}), so the catalog in S3 and etcd never disagree on what a
 * table is.
 */
public final class TableDefinitionParser {
  public static final String KIND = "table definition";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private TableDefinitionParser() {}

  public static String toJson(CatalogTable table) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    CatalogParser.writeTable(table, node);
    return Json.write(node);
  }

  public static byte[] toBytes(CatalogTable table) {
    return toJson(table).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static CatalogTable fromJson(String json) {
    return read(Json.read(KIND, json));
  }

  public static CatalogTable fromJson(byte[] utf8) {
    return read(Json.read(KIND, utf8));
  }

  private static CatalogTable read(com.fasterxml.jackson.databind.JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    return CatalogParser.table(root);
  }
}
