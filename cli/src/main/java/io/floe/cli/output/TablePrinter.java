package io.floe.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints rows the way OpenMLDB's ns client does, so its users read Floe's output at a glance: a
 * header of column names, a dashed line as wide as the table, then the rows, each cell indented by
 * two spaces and left-aligned to its column's widest value. Missing values print as {@code -}.
 */
public final class TablePrinter {
  private static final String INDENT = "  ";
  private static final String NONE = "-";

  private TablePrinter() {}

  /** Prints {@code rows} under {@code columns} in that order. */
  public static void print(PrintWriter out, List<String> columns, List<List<String>> rows) {
    int[] widths = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], cell(row, c).length());
      }
    }
    String header = line(columns, widths);
    out.println(header);
    out.println("-".repeat(lineWidth(widths)));
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
    out.flush();
  }

  /**
   * Prints map rows: first the {@code columns} given (the contract's order), then any other member
   * the rows carry, in their own order, so a newer server's extra column still shows.
   */
  public static void printMaps(
      PrintWriter out, List<String> columns, List<Map<String, Object>> rows) {
    List<String> all = new ArrayList<>(columns);
    for (Map<String, Object> row : rows) {
      for (String key : row.keySet()) {
        if (!all.contains(key)) {
          all.add(key);
        }
      }
    }
    List<List<String>> cells = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      List<String> line = new ArrayList<>(all.size());
      all.forEach(column -> line.add(text(row.get(column))));
      cells.add(line);
    }
    print(out, all, cells);
  }

  /** A value as a cell: {@code -} for none. */
  public static String text(Object value) {
    if (value == null) {
      return NONE;
    }
    String text = value.toString();
    return text.isEmpty() ? NONE : text;
  }

  private static String cell(List<String> row, int column) {
    return column < row.size() ? text(row.get(column)) : NONE;
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = cell(cells, c);
      line.append(INDENT).append(cell).append(" ".repeat(widths[c] - cell.length()));
    }
    return line.toString().stripTrailing();
  }

  private static int lineWidth(int[] widths) {
    int width = 0;
    for (int w : widths) {
      width += INDENT.length() + w;
    }
    return width;
  }
}
