package io.floe.cli.data;

import com.fasterxml.jackson.databind.node.NullNode;
import io.floe.cli.ExitCodes;
import io.floe.cli.output.Output;
import io.floe.core.table.Row;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code floe get <table> <key...>}: one row by its primary key. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the row of a primary key (one value per key column, in key order).",
      "Prints nothing but the header when there is no such row (null with --json)."
    })
public final class GetCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "<table>")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "<key>")
  List<String> key = new ArrayList<>();

  @Override
  public Integer call() {
    return onTable(
        table,
        handle -> {
          Object[] values;
          try {
            values = RowJson.key(handle.schema(), key);
          } catch (IllegalArgumentException e) {
            throw badInput(e);
          }
          Row row = handle.get(values);
          Output out = floe.output();
          if (out.json()) {
            out.document(row == null ? NullNode.getInstance() : RowJson.toJson(row));
          } else {
            out.table(
                RowJson.columns(handle.schema()),
                row == null ? List.of() : List.of(RowJson.cells(row)));
          }
          return ExitCodes.OK;
        });
  }
}
