package io.floe.cli.data;

import io.floe.cli.ExitCodes;
import io.floe.cli.output.Output;
import io.floe.core.format.Json;
import io.floe.core.table.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code floe put <table> <json-row>}: inserts or replaces one row. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Inserts or replaces a row, given as JSON by column name.",
      "  floe put db.users '{\"id\": 7, \"name\": \"x\"}'",
      "bytes are base64; timestamps microseconds since the epoch or ISO-8601.",
      "Prints the row's offset in its partition."
    })
public final class PutCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "<table>")
  String table;

  @Parameters(index = "1", paramLabel = "<json-row>")
  String json;

  @Override
  public Integer call() {
    return onTable(
        table,
        handle -> {
          Row row;
          try {
            row = RowJson.row(handle.schema(), json);
          } catch (IllegalArgumentException e) {
            throw badInput(e);
          }
          long offset = handle.put(row);
          Output out = floe.output();
          if (out.json()) {
            out.document(Json.object().put("offset", offset));
          } else {
            out.line("ok, offset " + offset);
          }
          return ExitCodes.OK;
        });
  }
}
