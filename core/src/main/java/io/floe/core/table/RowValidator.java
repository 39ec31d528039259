package io.floe.core.table;

/**
 * Checks a row against its table's schema and the limits of spec.md §2.3 before it is applied, so a
 * bad write fails at the edge with a message naming the column.
 */
public final class RowValidator {
  private final Schema schema;
  private final RowCodec rowCodec;
  private final KeyCodec keyCodec;

  public RowValidator(Schema schema) {
    this.schema = schema;
    this.rowCodec = new RowCodec(schema);
    this.keyCodec = new KeyCodec(schema);
  }

  /**
   * @throws SchemaViolationException for a wrong Java type, a null in a non-null column or a wrong
   *     number of values
   * @throws RowTooLargeException for a value, key or row over its limit
   */
  public void validate(Row row) {
    validateAndEncodeKey(row);
  }

  /**
   * Validates like {@link #validate} and returns the row's encoded primary key, which validation
   * computes anyway (a writer needs it to route the row).
   */
  public byte[] validateAndEncodeKey(Row row) {
    if (row.size() != schema.size()) {
      throw new SchemaViolationException(
          null, "the row has " + row.size() + " values, the schema " + schema.size() + " columns");
    }
    for (int i = 0; i < schema.size(); i++) {
      checkValue(schema.column(i), row.get(i));
    }
    int rowSize = rowCodec.encodedSize(row);
    if (rowSize > SchemaLimits.MAX_ROW_BYTES) {
      throw new RowTooLargeException(null, "the encoded row", rowSize, SchemaLimits.MAX_ROW_BYTES);
    }
    return keyCodec.encode(row);
  }

  private static void checkValue(Column column, Object value) {
    if (value == null) {
      if (!column.nullable()) {
        throw new SchemaViolationException(column.name(), "null in a non-null column");
      }
      return;
    }
    if (!column.type().javaType().isInstance(value)) {
      throw wrongType(column, value);
    }
    if (value instanceof String s) {
      checkSize(column, "string value (UTF-8)", utf8Length(column, s));
    } else if (value instanceof byte[] b) {
      checkSize(column, "bytes value", b.length);
    }
  }

  private static int utf8Length(Column column, String s) {
    try {
      return Utf8.length(s);
    } catch (IllegalArgumentException e) {
      throw new SchemaViolationException(column.name(), "not valid Unicode: " + e.getMessage());
    }
  }

  private static void checkSize(Column column, String what, int size) {
    if (size > SchemaLimits.MAX_VALUE_BYTES) {
      throw new RowTooLargeException(column.name(), what, size, SchemaLimits.MAX_VALUE_BYTES);
    }
  }

  static SchemaViolationException wrongType(Column column, Object value) {
    return new SchemaViolationException(
        column.name(),
        "expected "
            + column.type().jsonName()
            + " ("
            + column.type().javaType().getSimpleName()
            + "), found "
            + value.getClass().getSimpleName());
  }
}
