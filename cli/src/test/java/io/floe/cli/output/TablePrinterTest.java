package io.floe.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TablePrinterTest {
  @Test
  void headerDashesAndRowsAlignedOnTheWidestCellWithMissingValuesAsDashes() {
    StringWriter text = new StringWriter();
    TablePrinter.print(
        new PrintWriter(text),
        List.of("tid", "name"),
        List.of(List.of("7", "db.long_name"), List.of("12")));
    assertThat(text.toString().lines())
        .containsExactly("  tid  name", "-".repeat(19), "  7    db.long_name", "  12   -");
  }

  @Test
  void mapRowsGetTheGivenColumnsFirstThenAnyOthers() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("extra", 1L);
    row.put("b", null);
    row.put("a", "x");
    StringWriter text = new StringWriter();
    TablePrinter.printMaps(new PrintWriter(text), List.of("a", "b"), List.of(row));
    assertThat(text.toString().lines())
        .containsExactly("  a  b  extra", "-".repeat(13), "  x  -  1");
  }
}
