package io.floe.cli.ns;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.cli.CliFailure;
import io.floe.cli.ExitCodes;
import io.floe.cli.Floe;
import io.floe.cli.output.Output;
import io.floe.client.control.Operation;
import io.floe.client.control.OperationParser;
import io.floe.core.format.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code ns} shows operations: the ids of those just started, or, with {@code --wait}, each one
 * as it ended (exit 4 unless all are done), and {@code showopstatus}'s rows.
 */
final class OperationReport {
  /** OpenMLDB's showopstatus columns, and the reason a failed operation gives. */
  static final List<String> SHOWOPSTATUS =
      List.of(
          "op_id",
          "op_type",
          "name",
          "pid",
          "status",
          "start_time",
          "execute_time",
          "end_time",
          "cur_task",
          "reason");

  private final Floe floe;

  OperationReport(Floe floe) {
    this.floe = floe;
  }

  /** Operations as OpenMLDB's showopstatus rows, or {"ops": [...]} with --json. */
  int print(List<Operation> ops) {
    Output out = floe.output();
    if (out.json()) {
      ObjectNode document = Json.object();
      ArrayNode array = document.putArray("ops");
      ops.forEach(op -> array.add(OperationParser.toNode(op)));
      out.document(document);
      return ExitCodes.OK;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Operation op : ops) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("op_id", op.opId());
      row.put("op_type", op.type());
      row.put("name", op.table());
      row.put("pid", op.pid());
      row.put("status", op.status());
      row.put("start_time", op.startTime());
      row.put("execute_time", op.executeTime());
      row.put("end_time", op.endTime());
      row.put("cur_task", op.currentTask());
      row.put("reason", op.reason());
      rows.add(row);
    }
    out.maps(SHOWOPSTATUS, rows);
    return ExitCodes.OK;
  }

  /** Prints the ids, or waits for every operation to end and prints them as they ended. */
  int submitted(List<Long> ids, boolean many, WaitOptions wait) {
    Output out = floe.output();
    if (!wait.wait) {
      if (out.json()) {
        ObjectNode document = Json.object();
        if (many) {
          ids.forEach(document.putArray("op_ids")::add);
        } else {
          document.put(OperationParser.OP_ID, ids.get(0));
        }
        out.document(document);
      } else {
        ids.forEach(id -> out.line("started operation " + id));
      }
      return ExitCodes.OK;
    }
    long deadline = System.nanoTime() + wait.timeout.toNanos();
    List<Operation> ended = new ArrayList<>();
    for (long id : ids) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      ended.add(floe.control().awaitOperation(id, left));
    }
    print(ended);
    List<String> failures = new ArrayList<>();
    for (Operation op : ended) {
      if (!op.succeeded()) {
        failures.add(
            "operation "
                + op.opId()
                + " ("
                + op.type()
                + ") "
                + op.status()
                + (op.reason() == null ? "" : ": " + op.reason()));
      }
    }
    if (!failures.isEmpty()) {
      throw new CliFailure(ExitCodes.OPERATION_FAILED, String.join("; ", failures));
    }
    return ExitCodes.OK;
  }
}
