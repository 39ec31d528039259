package io.floe.core.table;

/**
 * A row does not fit its table's schema (spec.md §2.3). {@link #column()} names the column at
 * fault, or is null when the problem is the row as a whole.
 */
public class SchemaViolationException extends RuntimeException {
  private final String column;

  public SchemaViolationException(String column, String problem) {
    super(column == null ? problem : "column '" + column + "': " + problem);
    this.column = column;
  }

  public String column() {
    return column;
  }
}
