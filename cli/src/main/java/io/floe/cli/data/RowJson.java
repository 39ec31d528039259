package io.floe.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.RowBuilder;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaViolationException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Rows and keys as typed on the command line and printed back: a row is a JSON object by column
 * name; {@code bytes} are base64, {@code timestamp}s microseconds since the epoch (an ISO-8601
 * instant is read too). Key values are typed as words, in primary-key order.
 */
final class RowJson {
  private RowJson() {}

  /**
   * @throws IllegalArgumentException naming the column and the value at fault
   */
  static Row row(Schema schema, String json) {
    JsonNode node;
    try {
      node = Json.read("row", json);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "row: must be a JSON object by column name, found " + json);
    }
    RowBuilder builder = Row.builder(schema);
    try {
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        int index = schema.indexOf(member.getKey());
        Object value =
            index < 0 ? member.getValue() : value(schema.column(index), member.getValue());
        builder.set(member.getKey(), value);
      }
      return builder.build();
    } catch (SchemaViolationException e) {
      throw new IllegalArgumentException("row: " + e.getMessage(), e);
    }
  }

  private static Object value(Column column, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    ColumnType type = column.type();
    boolean ok =
        switch (type) {
          case BOOL -> value.isBoolean();
          case INT32 -> value.isIntegralNumber() && value.canConvertToInt();
          case INT64 -> value.isIntegralNumber() && value.canConvertToLong();
          case FLOAT32, FLOAT64 -> value.isNumber();
          case STRING, BYTES -> value.isTextual();
          case TIMESTAMP ->
              (value.isIntegralNumber() && value.canConvertToLong()) || value.isTextual();
        };
    if (!ok) {
      throw wrongType(column, value.toString());
    }
    return switch (type) {
      case BOOL -> value.booleanValue();
      case INT32 -> value.intValue();
      case INT64 -> value.longValue();
      case FLOAT32 -> value.floatValue();
      case FLOAT64 -> value.doubleValue();
      case STRING -> value.textValue();
      case BYTES -> base64(column, value.textValue());
      case TIMESTAMP -> value.isTextual() ? instant(column, value.textValue()) : value.longValue();
    };
  }

  /** Primary-key values from words, one per key column in order. */
  static Object[] key(Schema schema, List<String> words) {
    List<String> keyColumns = schema.primaryKey();
    if (words.size() != keyColumns.size()) {
      throw new IllegalArgumentException(
          "the key of this table is "
              + keyColumns
              + ": give "
              + keyColumns.size()
              + " value(s), got "
              + words.size());
    }
    Object[] key = new Object[words.size()];
    for (int i = 0; i < key.length; i++) {
      key[i] = word(schema.column(schema.indexOf(keyColumns.get(i))), words.get(i));
    }
    return key;
  }

  private static Object word(Column column, String word) {
    try {
      return switch (column.type()) {
        case BOOL ->
            switch (word) {
              case "true" -> true;
              case "false" -> false;
              default -> throw wrongType(column, word);
            };
        case INT32 -> Integer.parseInt(word);
        case INT64 -> Long.parseLong(word);
        case FLOAT32 -> Float.parseFloat(word);
        case FLOAT64 -> Double.parseDouble(word);
        case STRING -> word;
        case BYTES -> base64(column, word);
        case TIMESTAMP -> word.matches("-?\\d+") ? Long.parseLong(word) : instant(column, word);
      };
    } catch (NumberFormatException e) {
      throw wrongType(column, word);
    }
  }

  /** The row as a JSON object in column order. */
  static ObjectNode toJson(Row row) {
    Schema schema = row.schema();
    ObjectNode node = Json.object();
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      Object value = row.get(i);
      if (value == null) {
        node.putNull(column.name());
      } else {
        switch (column.type()) {
          case BOOL -> node.put(column.name(), (Boolean) value);
          case INT32 -> node.put(column.name(), (Integer) value);
          case INT64, TIMESTAMP -> node.put(column.name(), (Long) value);
          case FLOAT32 -> node.put(column.name(), (Float) value);
          case FLOAT64 -> node.put(column.name(), (Double) value);
          case STRING -> node.put(column.name(), (String) value);
          case BYTES -> node.put(column.name(), Base64.getEncoder().encodeToString((byte[]) value));
        }
      }
    }
    return node;
  }

  /** The row's values as table cells: timestamps as ISO-8601 instants for people. */
  static List<String> cells(Row row) {
    Schema schema = row.schema();
    List<String> cells = new ArrayList<>(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      Object value = row.get(i);
      ColumnType type = schema.column(i).type();
      if (value == null) {
        cells.add("NULL");
      } else if (type == ColumnType.BYTES) {
        cells.add(Base64.getEncoder().encodeToString((byte[]) value));
      } else if (type == ColumnType.TIMESTAMP) {
        cells.add(Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS).toString());
      } else {
        cells.add(value.toString());
      }
    }
    return cells;
  }

  static List<String> columns(Schema schema) {
    List<String> names = new ArrayList<>(schema.size());
    schema.columns().forEach(c -> names.add(c.name()));
    return names;
  }

  private static byte[] base64(Column column, String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "column '" + column.name() + "' is bytes: give base64, found '" + text + "'", e);
    }
  }

  private static long instant(Column column, String text) {
    try {
      return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(text));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "column '"
              + column.name()
              + "' is a timestamp: give microseconds since the epoch or an ISO-8601 instant, found '"
              + text
              + "'",
          e);
    }
  }

  private static IllegalArgumentException wrongType(Column column, String found) {
    return new IllegalArgumentException(
        "column '" + column.name() + "' is " + column.type().jsonName() + ", found " + found);
  }
}
