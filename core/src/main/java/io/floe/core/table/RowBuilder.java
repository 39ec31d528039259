package io.floe.core.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Row} of a schema by column name. Each value is checked when it is set (known
 * column, right Java type) and the row as a whole when it is built (every non-null column set), so
 * a mistake fails where it is made, naming the column. Sizes are checked when the row is written,
 * as for a positional row.
 *
 * <p>An {@code Integer} given for an {@code int64} or {@code timestamp} column is widened to a
 * {@code Long} ({@code set("id", 7)}); no other conversion is made. Not thread-safe; one builder
 * builds one row.
 */
public final class RowBuilder {
  private final Schema schema;
  private final Object[] values;
  private final boolean[] set;
  private boolean built;

  RowBuilder(Schema schema) {
    this.schema = schema;
    this.values = new Object[schema.size()];
    this.set = new boolean[schema.size()];
  }

  /**
   * Sets the named column's value ({@code null} for a nullable column).
   *
   * @throws SchemaViolationException naming the column if it is not in the schema, the value is not
   *     of its type, or the value is null and the column is not nullable
   */
  public RowBuilder set(String column, Object value) {
    int index = schema.indexOf(column);
    if (index < 0) {
      throw unknownColumn(schema, column);
    }
    Column c = schema.column(index);
    values[index] = checked(c, value);
    set[index] = true;
    return this;
  }

  /**
   * The row, which reads by name through the schema.
   *
   * @throws SchemaViolationException naming the first column that is not nullable and was not set
   * @throws IllegalStateException if this builder already built its row (the row shares its array)
   */
  public Row build() {
    if (built) {
      throw new IllegalStateException("this builder already built its row; use a new builder");
    }
    for (int i = 0; i < values.length; i++) {
      Column c = schema.column(i);
      if (!set[i] && !c.nullable()) {
        throw new SchemaViolationException(c.name(), missingProblem(c));
      }
    }
    built = true;
    return Row.ofSchema(schema, values);
  }

  private Object checked(Column column, Object value) {
    if (value == null) {
      if (!column.nullable()) {
        throw new SchemaViolationException(column.name(), nullProblem(column));
      }
      return null;
    }
    if (value instanceof Integer i && isLong(column.type())) {
      return i.longValue();
    }
    if (!column.type().javaType().isInstance(value)) {
      throw new SchemaViolationException(
          column.name(),
          "is "
              + column.type().jsonName()
              + " ("
              + column.type().javaType().getSimpleName()
              + "), not a "
              + value.getClass().getSimpleName());
    }
    return value;
  }

  private static boolean isLong(ColumnType type) {
    return type == ColumnType.INT64 || type == ColumnType.TIMESTAMP;
  }

  private String nullProblem(Column column) {
    return isKey(column)
        ? "is a primary-key column and cannot be null"
        : "is not nullable and cannot be null";
  }

  private String missingProblem(Column column) {
    return isKey(column)
        ? "is a primary-key column and was not set"
        : "is not nullable and was not set";
  }

  private boolean isKey(Column column) {
    return schema.primaryKey().contains(column.name());
  }

  static SchemaViolationException unknownColumn(Schema schema, String column) {
    List<String> names = new ArrayList<>(schema.size());
    schema.columns().forEach(c -> names.add(c.name()));
    return new SchemaViolationException(column, "no such column; the columns are " + names);
  }
}
