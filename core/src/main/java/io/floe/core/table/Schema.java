package io.floe.core.table;

import java.util.List;
import java.util.Objects;

/**
 * A table's columns in order and its primary key (column names, in key order).
 *
 * <p>Construction checks only shape; {@code SchemaValidator} (or equivalent) reports every rule a
 * user-supplied schema breaks with the column's name.
 */
public record Schema(int schemaId, List<Column> columns, List<String> primaryKey) {
  public Schema {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    primaryKey = List.copyOf(Objects.requireNonNull(primaryKey, "primaryKey"));
  }

  /** Index of the named column, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public Column column(int index) {
    return columns.get(index);
  }

  public int size() {
    return columns.size();
  }
}
