package io.floe.core.table;

import java.util.Arrays;

/**
 * One row: values in schema column order, each of its column's {@link ColumnType#javaType()} or
 * {@code null}. Rows are values; the array is not copied, so callers must not mutate it after
 * handing it over.
 */
public final class Row {
  private final Object[] values;

  public Row(Object... values) {
    this.values = values;
  }

  public Object get(int index) {
    return values[index];
  }

  public int size() {
    return values.length;
  }

  /** The backing array (not a copy). */
  public Object[] values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row other && Arrays.deepEquals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(values);
  }
}
