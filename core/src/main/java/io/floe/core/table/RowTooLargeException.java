package io.floe.core.table;

/**
 * A value, an encoded key or an encoded row is over its limit ({@link SchemaLimits}). Names the
 * column (null for the row as a whole), the size found and the limit.
 */
public class RowTooLargeException extends SchemaViolationException {
  private final long size;
  private final long limit;

  public RowTooLargeException(String column, String what, long size, long limit) {
    super(column, what + " is " + size + " bytes, over the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
