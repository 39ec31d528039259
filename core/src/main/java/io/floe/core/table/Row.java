package io.floe.core.table;

import java.util.Arrays;
import java.util.Map;

/**
 * One row: values in schema column order, each of its column's {@link ColumnType#javaType()} or
 * {@code null}. Rows are values; the array is not copied, so callers must not mutate it after
 * handing it over.
 *
 * <p>A row built positionally ({@code new Row(...)}) knows only its values: the fast path, one
 * object and its array. A row built by name ({@link #builder}, {@link #of}) or decoded by a {@link
 * RowCodec} also refers to its table's schema, so its values can be read by column name ({@link
 * #get(String)}, {@link #getLong(String)}, …) with errors that name the column. The schema is not
 * part of equality: a row equals another with the same values.
 */
public final class Row {
  private final Object[] values;
  private final Schema schema;

  public Row(Object... values) {
    this.values = values;
    this.schema = null;
  }

  private Row(Schema schema, Object[] values) {
    this.values = values;
    this.schema = schema;
  }

  /** A builder that sets values by column name and checks them against {@code schema}. */
  public static RowBuilder builder(Schema schema) {
    return new RowBuilder(schema);
  }

  /** The row of {@code schema} with these values by column name; absent columns are null. */
  public static Row of(Schema schema, Map<String, ?> valuesByColumn) {
    RowBuilder builder = builder(schema);
    valuesByColumn.forEach(builder::set);
    return builder.build();
  }

  /**
   * Values in column order read by name through {@code schema}; the array is not copied. Used by
   * decoders, which already hold both, so a decoded row costs no extra allocation.
   */
  public static Row ofSchema(Schema schema, Object[] values) {
    if (values.length != schema.size()) {
      throw new SchemaViolationException(
          null,
          "the row has " + values.length + " values, the schema " + schema.size() + " columns");
    }
    return new Row(schema, values);
  }

  /** This row's values read by name through {@code schema} (same array, not copied). */
  public Row withSchema(Schema schema) {
    return ofSchema(schema, values);
  }

  /** The schema this row's values are read by name with, or null for a positional row. */
  public Schema schema() {
    return schema;
  }

  public Object get(int index) {
    return values[index];
  }

  /** The value of the named column (null if null). */
  public Object get(String column) {
    return values[index(column)];
  }

  public boolean isNull(String column) {
    return get(column) == null;
  }

  /** A {@code bool} column's value. */
  public Boolean getBoolean(String column) {
    return (Boolean) typed(column, "a boolean", ColumnType.BOOL, null);
  }

  /** An {@code int32} column's value. */
  public Integer getInt(String column) {
    return (Integer) typed(column, "an int", ColumnType.INT32, null);
  }

  /** An {@code int64} or {@code timestamp} (microseconds since the epoch, UTC) column's value. */
  public Long getLong(String column) {
    return (Long) typed(column, "a long", ColumnType.INT64, ColumnType.TIMESTAMP);
  }

  /** A {@code float32} column's value. */
  public Float getFloat(String column) {
    return (Float) typed(column, "a float", ColumnType.FLOAT32, null);
  }

  /** A {@code float64} column's value. */
  public Double getDouble(String column) {
    return (Double) typed(column, "a double", ColumnType.FLOAT64, null);
  }

  /** A {@code string} column's value. */
  public String getString(String column) {
    return (String) typed(column, "a string", ColumnType.STRING, null);
  }

  /** A {@code bytes} column's value (not copied: do not mutate). */
  public byte[] getBytes(String column) {
    return (byte[]) typed(column, "bytes", ColumnType.BYTES, null);
  }

  public int size() {
    return values.length;
  }

  /** The backing array (not a copy). */
  public Object[] values() {
    return values;
  }

  private Object typed(String column, String asked, ColumnType type, ColumnType alsoType) {
    int index = index(column);
    ColumnType actual = schema.column(index).type();
    if (actual != type && actual != alsoType) {
      throw new SchemaViolationException(
          column,
          "is "
              + actual.jsonName()
              + ", not "
              + asked
              + " (read it with "
              + getterFor(actual)
              + ")");
    }
    return values[index];
  }

  private static String getterFor(ColumnType type) {
    return switch (type) {
      case BOOL -> "getBoolean";
      case INT32 -> "getInt";
      case INT64, TIMESTAMP -> "getLong";
      case FLOAT32 -> "getFloat";
      case FLOAT64 -> "getDouble";
      case STRING -> "getString";
      case BYTES -> "getBytes";
    };
  }

  private int index(String column) {
    if (schema == null) {
      throw new IllegalStateException(
          "this row was built by position and has no schema to find column '"
              + column
              + "' in: build it with Row.builder(schema) or table.newRow(), or call withSchema");
    }
    int index = schema.indexOf(column);
    if (index < 0) {
      throw RowBuilder.unknownColumn(schema, column);
    }
    return index;
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
