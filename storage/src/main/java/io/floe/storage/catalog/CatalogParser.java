package io.floe.storage.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.table.Durability;
import io.floe.core.table.SchemaParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads and writes catalog versions ({@code json/catalog.schema.json}). Reading checks the
 * cross-table rules a JSON Schema cannot: unique table ids below {@code next-tid}, one live table
 * per name.
 */
public final class CatalogParser {
  public static final String KIND = "catalog";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private CatalogParser() {}

  public static String toJson(Catalog catalog) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("version", catalog.version());
    node.put("cluster", catalog.cluster());
    node.put("next-tid", catalog.nextTid());
    ArrayNode tables = node.putArray("tables");
    catalog.tables().forEach(t -> writeTable(t, tables.addObject()));
    return Json.write(node);
  }

  /**
   * Writes one table's fields into {@code node}: shared with the etcd table definition ({@code
   * io.floe.storage.cluster}), which stores the same fields.
   */
  public static void writeTable(CatalogTable table, ObjectNode node) {
    node.put("tid", table.tid()).put("db", table.db()).put("name", table.name());
    node.set("schema", SchemaParser.toNode(table.schema()));
    node.put("partitions", table.partitions())
        .put("replicas", table.replicas())
        .put("durability", table.durability().jsonName());
    table.ttlMs().ifPresent(ttl -> node.put("ttl-ms", ttl));
    node.put("state", table.state().jsonName());
    table.dropTimeMs().ifPresent(time -> node.put("drop-time-ms", time));
  }

  public static Catalog fromJson(String json) {
    return fromNode(Json.read(KIND, json));
  }

  public static Catalog fromJson(byte[] utf8) {
    return fromNode(Json.read(KIND, utf8));
  }

  /**
   * Reads the document stored as {@code version} (spec.md §7): the version inside must match the
   * one its key names, or the store holds a misplaced document.
   */
  public static Catalog fromJson(byte[] utf8, long version) {
    Catalog document = fromJson(utf8);
    Json.checkStoredVersion(KIND, version, document.version());
    return document;
  }

  public static Catalog fromNode(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    List<CatalogTable> tables = new ArrayList<>();
    for (JsonObject table : root.objects("tables")) {
      tables.add(table(table));
    }
    Catalog catalog =
        new Catalog(root.count("version"), root.text("cluster"), root.count("next-tid"), tables);
    checkTables(catalog);
    return catalog;
  }

  /** Reads one table's fields from {@code node} (the inverse of {@link #writeTable}). */
  public static CatalogTable table(JsonObject node) {
    TableState state = state(node);
    OptionalLong dropTime = optional(node, "drop-time-ms");
    if ((state == TableState.DROPPED) != dropTime.isPresent()) {
      throw node.error(
          "drop-time-ms",
          "must be present exactly when state is dropped (state: " + state.jsonName() + ")");
    }
    return new CatalogTable(
        node.count("tid"),
        node.text("db"),
        node.text("name"),
        SchemaParser.fromNode(node.node("schema")),
        positive(node, "partitions"),
        positive(node, "replicas"),
        durability(node),
        ttlMs(node),
        state,
        dropTime);
  }

  private static int positive(JsonObject node, String name) {
    int value = node.integer(name);
    if (value < 1) {
      throw node.error(name, "must be at least 1, found " + value);
    }
    return value;
  }

  /** A time-to-live of 0 would expire every row as it is written: refused (spec.md §9). */
  private static OptionalLong ttlMs(JsonObject node) {
    OptionalLong ttl = optional(node, "ttl-ms");
    if (ttl.isPresent() && ttl.getAsLong() < 1) {
      throw node.error("ttl-ms", "must be at least 1, found " + ttl.getAsLong());
    }
    return ttl;
  }

  private static OptionalLong optional(JsonObject node, String name) {
    return node.has(name) ? OptionalLong.of(node.count(name)) : OptionalLong.empty();
  }

  private static Durability durability(JsonObject node) {
    String name = node.string("durability");
    Durability mode = Durability.fromJsonName(name);
    if (mode == null) {
      throw node.error("durability", "must be memory, replicated or s3, found '" + name + "'");
    }
    return mode;
  }

  private static TableState state(JsonObject node) {
    String name = node.string("state");
    for (TableState state : TableState.values()) {
      if (state.jsonName().equals(name)) {
        return state;
      }
    }
    throw node.error("state", "must be active or dropped, found '" + name + "'");
  }

  private static void checkTables(Catalog catalog) {
    Set<Long> tids = new HashSet<>();
    Set<String> liveNames = new HashSet<>();
    for (CatalogTable table : catalog.tables()) {
      if (!tids.add(table.tid())) {
        throw new FormatException(KIND + ": table id " + table.tid() + " appears twice");
      }
      if (table.tid() >= catalog.nextTid()) {
        throw new FormatException(
            KIND + ": table id " + table.tid() + " is not below next-tid " + catalog.nextTid());
      }
      if (table.state() == TableState.ACTIVE && !liveNames.add(table.fullName())) {
        throw new FormatException(KIND + ": two active tables are named " + table.fullName());
      }
    }
  }
}
