package io.floe.core.table;

import java.util.Objects;

/** One column of a table schema. */
public record Column(String name, ColumnType type, boolean nullable) {
  public Column {
    Objects.requireNonNull(name, "column name");
    Objects.requireNonNull(type, "column type");
  }
}
