package io.floe.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.format.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Where a command prints its answer, for people (aligned tables, short lines) or, with {@code
 * --json}, for scripts (one JSON document, the control API's own shape where there is one).
 */
public final class Output {
  private final PrintWriter out;
  private final boolean json;

  public Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  public boolean json() {
    return json;
  }

  public void document(JsonNode node) {
    out.println(Json.write(node));
    out.flush();
  }

  public void table(List<String> columns, List<List<String>> rows) {
    TablePrinter.print(out, columns, rows);
  }

  public void maps(List<String> columns, List<Map<String, Object>> rows) {
    TablePrinter.printMaps(out, columns, rows);
  }

  public void line(String text) {
    out.println(text);
    out.flush();
  }
}
