package io.floe.client.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Reads and writes {@code Operation} (control-api.md §4). Members other than the id, type and
 * status may be absent or null (an operation not started yet has no start time; one about a node
 * has no table or partition).
 */
public final class OperationParser {
  public static final String OP_ID = "op_id";
  static final String OP_TYPE = "op_type";
  static final String NAME = "name";
  static final String PID = "pid";
  static final String STATUS = "status";
  static final String START_TIME = "start_time";
  static final String END_TIME = "end_time";
  static final String EXECUTE_TIME = "execute_time";
  static final String CUR_TASK = "cur_task";
  static final String REASON = "reason";
  static final String DETAIL = "detail";

  private OperationParser() {}

  public static ObjectNode toNode(Operation op) {
    ObjectNode node = Json.object();
    node.put(OP_ID, op.opId());
    node.put(OP_TYPE, op.type());
    node.put(NAME, op.table());
    node.put(PID, op.pid());
    node.put(STATUS, op.status());
    node.put(START_TIME, op.startTime() == null ? null : op.startTime().toString());
    node.put(END_TIME, op.endTime() == null ? null : op.endTime().toString());
    node.put(EXECUTE_TIME, op.executeTime());
    node.put(CUR_TASK, op.currentTask());
    node.put(REASON, op.reason());
    node.set(DETAIL, JsonValues.toNode(op.detail()));
    return node;
  }

  /**
   * @throws FormatException naming the member at fault
   */
  public static Operation fromNode(String kind, JsonNode node) {
    return fromObject(JsonObject.root(kind, node));
  }

  static Operation fromObject(JsonObject op) {
    return new Operation(
        op.longValue(OP_ID),
        op.text(OP_TYPE),
        op.optionalString(NAME).orElse(null),
        op.has(PID) ? op.integer(PID) : null,
        op.text(STATUS),
        instant(op, START_TIME),
        instant(op, END_TIME),
        op.optionalString(EXECUTE_TIME).orElse(null),
        op.optionalString(CUR_TASK).orElse(null),
        op.optionalString(REASON).orElse(null),
        detail(op));
  }

  private static Instant instant(JsonObject op, String name) {
    String text = op.optionalString(name).orElse(null);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw op.error(name, "must be an ISO-8601 instant, found '" + text + "'");
    }
  }

  private static Map<String, Object> detail(JsonObject op) {
    if (!op.has(DETAIL)) {
      return Map.of();
    }
    JsonNode detail = op.node(DETAIL);
    if (!detail.isObject()) {
      throw op.error(DETAIL, "must be an object, found " + detail);
    }
    return JsonValues.toMap(detail);
  }
}
