package io.floe.client.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain Java values for the control API's free-form members ({@code ns} rows, an operation's {@code
 * detail}) and back: objects become {@link LinkedHashMap}s keeping member order (so a row keeps its
 * columns' order), arrays lists, integers {@code Long}, other numbers {@code Double}.
 */
public final class JsonValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonValues() {}

  /** The Java value of a JSON value (null for JSON null). */
  public static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      return toMap(node);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(item -> list.add(toJava(item)));
      return Collections.unmodifiableList(list);
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  /** An object's members in their order; values may be null. */
  public static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
    return Collections.unmodifiableMap(map);
  }

  /** The JSON of a value made of maps, lists, strings, numbers, booleans and nulls. */
  public static JsonNode toNode(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), toNode(v)));
      return object;
    }
    if (value instanceof Iterable<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(toNode(item)));
      return array;
    }
    return scalar(value);
  }

  private static JsonNode scalar(Object value) {
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer || value instanceof Long) {
      return NODES.numberNode(((Number) value).longValue());
    }
    if (value instanceof Float f) {
      return NODES.numberNode(f);
    }
    if (value instanceof Number n) {
      return NODES.numberNode(n.doubleValue());
    }
    return NODES.textNode(value.toString());
  }
}
