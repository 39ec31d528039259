package io.floe.core.table;

import io.floe.core.format.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary row encoding of spec.md §3: a column count, a null bitmap, then the non-null values
 * (zig-zag varints for integers and timestamps, little-endian IEEE floats, length-prefixed strings
 * and bytes). Rows encoded under an older schema of the same table decode with the columns added
 * since read as null.
 *
 * <p>Instances are immutable and thread-safe. {@link #encode} expects a row that passed {@link
 * RowValidator}; it still refuses wrong types and nulls rather than write garbage.
 */
public final class RowCodec {
  private final Schema schema;
  private final ColumnType[] types;

  public RowCodec(Schema schema) {
    this.schema = schema;
    this.types = schema.columns().stream().map(Column::type).toArray(ColumnType[]::new);
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(Row row) {
    ByteWriter out = new ByteWriter(16 + 16 * types.length);
    encodeTo(row, out);
    return out.toByteArray();
  }

  void encodeTo(Row row, ByteWriter out) {
    int count = types.length;
    if (row.size() != count) {
      throw new SchemaViolationException(
          null, "the row has " + row.size() + " values, the schema " + count + " columns");
    }
    out.writeUVarint(count);
    int bitmap = out.size();
    for (int i = 0; i < (count + 7) / 8; i++) {
      out.writeByte(0);
    }
    for (int i = 0; i < count; i++) {
      Object value = row.get(i);
      if (value == null) {
        if (!schema.column(i).nullable()) {
          throw new SchemaViolationException(schema.column(i).name(), "null in a non-null column");
        }
        out.setBit(bitmap + i / 8, i % 8);
      } else {
        writeValue(i, value, out);
      }
    }
    if (out.size() > SchemaLimits.MAX_ROW_BYTES) {
      throw new RowTooLargeException(
          null, "the encoded row", out.size(), SchemaLimits.MAX_ROW_BYTES);
    }
  }

  private void writeValue(int column, Object value, ByteWriter out) {
    try {
      switch (types[column]) {
        case BOOL -> out.writeByte((Boolean) value ? 1 : 0);
        case INT32 -> out.writeVarint((Integer) value);
        case INT64, TIMESTAMP -> out.writeVarint((Long) value);
        case FLOAT32 -> out.writeIntLE(Float.floatToRawIntBits((Float) value));
        case FLOAT64 -> out.writeLongLE(Double.doubleToRawLongBits((Double) value));
        case STRING -> writeBytes(((String) value).getBytes(StandardCharsets.UTF_8), out);
        case BYTES -> writeBytes((byte[]) value, out);
      }
    } catch (ClassCastException e) {
      throw RowValidator.wrongType(schema.column(column), value);
    }
  }

  private static void writeBytes(byte[] bytes, ByteWriter out) {
    out.writeUVarint(bytes.length);
    out.writeBytes(bytes);
  }

  /** The exact size {@link #encode} would produce. */
  public int encodedSize(Row row) {
    int size = ByteWriter.uvarintSize(types.length) + (types.length + 7) / 8;
    for (int i = 0; i < types.length; i++) {
      Object value = row.get(i);
      if (value != null) {
        size += valueSize(types[i], value);
      }
    }
    return size;
  }

  private static int valueSize(ColumnType type, Object value) {
    return switch (type) {
      case BOOL -> 1;
      case INT32 -> ByteWriter.varintSize((Integer) value);
      case INT64, TIMESTAMP -> ByteWriter.varintSize((Long) value);
      case FLOAT32 -> 4;
      case FLOAT64 -> 8;
      case STRING -> lengthPrefixed(Utf8.length((String) value));
      case BYTES -> lengthPrefixed(((byte[]) value).length);
    };
  }

  private static int lengthPrefixed(int length) {
    return ByteWriter.uvarintSize(length) + length;
  }

  public Row decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * @throws FormatException if the bytes are not a row of this schema (truncated, trailing bytes,
   *     more columns than the schema, bad bool or UTF-8)
   */
  public Row decode(byte[] bytes, int offset, int length) {
    ByteReader in = new ByteReader("row", bytes, offset, length);
    long count = in.readUVarint();
    if (count > types.length) {
      throw in.corrupt(
          "encodes " + count + " columns but the schema has " + types.length + " (newer schema?)");
    }
    int n = (int) count;
    int bitmap = in.skip((n + 7) / 8);
    Object[] values = new Object[types.length];
    for (int i = 0; i < n; i++) {
      if ((bytes[bitmap + i / 8] & (1 << (i % 8))) == 0) {
        values[i] = readValue(types[i], in);
      } else if (!schema.column(i).nullable()) {
        throw in.corrupt("null in non-null column '" + schema.column(i).name() + "'");
      }
    }
    if (!in.atEnd()) {
      throw in.corrupt("trailing bytes after the last column");
    }
    return Row.ofSchema(schema, values);
  }

  private static Object readValue(ColumnType type, ByteReader in) {
    return switch (type) {
      case BOOL -> readBool(in);
      case INT32 -> readInt32(in);
      case INT64, TIMESTAMP -> in.readVarint();
      case FLOAT32 -> Float.intBitsToFloat(in.readIntLE());
      case FLOAT64 -> Double.longBitsToDouble(in.readLongLE());
      case STRING -> readString(in);
      case BYTES -> readBytes(in);
    };
  }

  private static Boolean readBool(ByteReader in) {
    int b = in.readByte();
    if (b > 1) {
      throw in.corrupt("bool byte must be 0 or 1, found " + b);
    }
    return b == 1;
  }

  private static Integer readInt32(ByteReader in) {
    long value = in.readVarint();
    if (value != (int) value) {
      throw in.corrupt("int32 value out of range: " + value);
    }
    return (int) value;
  }

  private static String readString(ByteReader in) {
    long length = in.readUVarint();
    int start = in.skip(length);
    return Utf8.decode("row", in.array(), start, (int) length);
  }

  private static byte[] readBytes(ByteReader in) {
    long length = in.readUVarint();
    int start = in.skip(length);
    return Arrays.copyOfRange(in.array(), start, start + (int) length);
  }
}
