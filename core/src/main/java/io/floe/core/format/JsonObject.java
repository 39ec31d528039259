package io.floe.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Read access to one JSON object of a persisted document, with errors that name the document kind
 * and the member's path ({@code partition manifest: wal-ranges[2].first-offset must be an
 * integer}). Unknown members are ignored, as spec.md §1 requires.
 */
public final class JsonObject {
  private final String documentKind;
  private final String path;
  private final JsonNode node;

  private JsonObject(String documentKind, String path, JsonNode node) {
    this.documentKind = documentKind;
    this.path = path;
    this.node = node;
  }

  /** The document's root; it must be an object. */
  public static JsonObject root(String documentKind, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new FormatException(documentKind + ": the document must be a JSON object");
    }
    return new JsonObject(documentKind, "", node);
  }

  /**
   * Checks {@code format-version} first, so a document from a newer writer fails with the version
   * error rather than with whatever member it renamed.
   */
  public int formatVersion(Set<Integer> supported) {
    int version = integer("format-version");
    if (!supported.contains(version)) {
      throw new UnsupportedFormatVersionException(documentKind, version, supported);
    }
    return version;
  }

  public String documentKind() {
    return documentKind;
  }

  public boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  public long longValue(String name) {
    JsonNode value = required(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw error(name, "must be an integer, found " + describe(value));
    }
    return value.longValue();
  }

  /** A non-negative integer. */
  public long count(String name) {
    long value = longValue(name);
    if (value < 0) {
      throw error(name, "must not be negative, found " + value);
    }
    return value;
  }

  /** Largest integer every JSON reader holds exactly (readers with double numbers): 2^53 - 1. */
  public static final long MAX_EXACT_INTEGER = (1L << 53) - 1;

  /**
   * A time in microseconds since the epoch (spec.md §1.4): non-negative and exact in any JSON
   * reader, so a document that other languages would round is refused here too.
   */
  public long timestampUs(String name) {
    long value = count(name);
    if (value > MAX_EXACT_INTEGER) {
      throw error(
          name,
          "must be microseconds since the epoch below 2^53, found "
              + value
              + " (not a microsecond timestamp)");
    }
    return value;
  }

  public int integer(String name) {
    long value = longValue(name);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw error(name, "is out of range: " + value);
    }
    return (int) value;
  }

  public Optional<Long> optionalLong(String name) {
    return has(name) ? Optional.of(longValue(name)) : Optional.empty();
  }

  public boolean bool(String name) {
    JsonNode value = required(name);
    if (!value.isBoolean()) {
      throw error(name, "must be true or false, found " + describe(value));
    }
    return value.booleanValue();
  }

  public String string(String name) {
    JsonNode value = required(name);
    if (!value.isTextual()) {
      throw error(name, "must be a string, found " + describe(value));
    }
    return value.textValue();
  }

  /** A non-empty string. */
  public String text(String name) {
    String value = string(name);
    if (value.isEmpty()) {
      throw error(name, "must not be empty");
    }
    return value;
  }

  public Optional<String> optionalString(String name) {
    return has(name) ? Optional.of(string(name)) : Optional.empty();
  }

  public JsonObject object(String name) {
    JsonNode value = required(name);
    if (!value.isObject()) {
      throw error(name, "must be an object, found " + describe(value));
    }
    return new JsonObject(documentKind, pathOf(name), value);
  }

  public Optional<JsonObject> optionalObject(String name) {
    return has(name) ? Optional.of(object(name)) : Optional.empty();
  }

  /** The raw member, for a nested document with its own parser. */
  public JsonNode node(String name) {
    return required(name);
  }

  public List<JsonObject> objects(String name) {
    JsonNode array = array(name);
    List<JsonObject> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      String itemPath = pathOf(name) + "[" + i + "]";
      if (!item.isObject()) {
        throw new FormatException(
            documentKind + ": " + itemPath + " must be an object, found " + describe(item));
      }
      result.add(new JsonObject(documentKind, itemPath, item));
    }
    return result;
  }

  public List<String> strings(String name) {
    JsonNode array = array(name);
    List<String> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isTextual()) {
        throw error(name + "[" + i + "]", "must be a string, found " + describe(item));
      }
      result.add(item.textValue());
    }
    return result;
  }

  /** An error about this object as a whole or one of its members (empty name = the object). */
  public FormatException error(String name, String problem) {
    String where = name.isEmpty() ? (path.isEmpty() ? "document" : path) : pathOf(name);
    return new FormatException(documentKind + ": " + where + " " + problem);
  }

  private JsonNode array(String name) {
    JsonNode value = required(name);
    if (!value.isArray()) {
      throw error(name, "must be an array, found " + describe(value));
    }
    return value;
  }

  private JsonNode required(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw error(name, "is required but missing");
    }
    return value;
  }

  private String pathOf(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
