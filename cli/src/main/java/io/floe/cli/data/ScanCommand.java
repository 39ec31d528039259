package io.floe.cli.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.floe.cli.ExitCodes;
import io.floe.cli.output.Output;
import io.floe.client.KeyRange;
import io.floe.core.format.Json;
import io.floe.core.table.Row;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code floe scan <table> [--limit n]}: the first rows of a table in primary-key order. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = "The first rows of a table in primary-key order.")
public final class ScanCommand extends DataCommand {
  public static final int LIMIT_DEFAULT = 100;

  @Parameters(index = "0", paramLabel = "<table>")
  String table;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + LIMIT_DEFAULT,
      description = "At most this many rows (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw badInput(new IllegalArgumentException("--limit must be at least 1, found " + limit));
    }
    return onTable(
        table,
        handle -> {
          List<Row> rows = handle.scan(KeyRange.all(), limit);
          Output out = floe.output();
          if (out.json()) {
            ArrayNode array = Json.object().arrayNode();
            rows.forEach(row -> array.add(RowJson.toJson(row)));
            out.document(array);
          } else {
            List<List<String>> cells = new ArrayList<>();
            rows.forEach(row -> cells.add(RowJson.cells(row)));
            out.table(RowJson.columns(handle.schema()), cells);
          }
          return ExitCodes.OK;
        });
  }
}
