package io.floe.core.table;

/**
 * The column types of a Floe table and the Java type a {@link Row} holds for each.
 *
 * <p>{@code TIMESTAMP} is microseconds since the Unix epoch (UTC) held as a {@code Long}.
 */
public enum ColumnType {
  BOOL(Boolean.class),
  INT32(Integer.class),
  INT64(Long.class),
  FLOAT32(Float.class),
  FLOAT64(Double.class),
  STRING(String.class),
  BYTES(byte[].class),
  TIMESTAMP(Long.class);

  private final Class<?> javaType;

  ColumnType(Class<?> javaType) {
    this.javaType = javaType;
  }

  /** The Java class a row value of this type must be. */
  public Class<?> javaType() {
    return javaType;
  }

  /** The lower-case name used in JSON documents and the CLI ({@code int64}, …). */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
