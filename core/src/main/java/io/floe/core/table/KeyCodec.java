package io.floe.core.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The order-preserving primary-key encoding of spec.md §4: comparing two encoded keys as unsigned
 * bytes ({@link #compare}) gives the primary-key order, so sorted maps, scans and snapshot files
 * can order keys without decoding them.
 *
 * <p>Integers are big-endian with the sign bit flipped; floats use the IEEE bits with negative
 * values inverted (after mapping -0.0 to +0.0 and every NaN to one NaN that sorts last); strings
 * and bytes escape {@code 0x00} as {@code 0x00 0xFF} and end with {@code 0x00 0x01}, so that a
 * prefix sorts before its extensions and composite keys concatenate safely.
 */
public final class KeyCodec {
  private static final int ESCAPE = 0x00;
  private static final int ESCAPED_ZERO = 0xFF;
  private static final int TERMINATOR = 0x01;

  private final Schema schema;
  private final int[] keyColumns;
  private final ColumnType[] keyTypes;

  public KeyCodec(Schema schema) {
    this.schema = schema;
    List<String> key = schema.primaryKey();
    this.keyColumns = new int[key.size()];
    this.keyTypes = new ColumnType[key.size()];
    for (int i = 0; i < key.size(); i++) {
      keyColumns[i] = schema.indexOf(key.get(i));
      if (keyColumns[i] < 0) {
        throw new IllegalArgumentException(
            "primary key column '" + key.get(i) + "': no such column");
      }
      keyTypes[i] = schema.column(keyColumns[i]).type();
    }
  }

  /** Encodes the primary key of a full row. */
  public byte[] encode(Row row) {
    Object[] values = new Object[keyColumns.length];
    for (int i = 0; i < keyColumns.length; i++) {
      values[i] = row.get(keyColumns[i]);
    }
    return encodeKey(values);
  }

  /** Encodes key values given in primary-key order. */
  public byte[] encodeKey(Object... keyValues) {
    if (keyValues.length != keyTypes.length) {
      throw new SchemaViolationException(
          null,
          "the primary key has " + keyTypes.length + " columns, " + keyValues.length + " given");
    }
    ByteWriter out = new ByteWriter(32);
    for (int i = 0; i < keyTypes.length; i++) {
      writeKeyValue(i, keyValues[i], out);
    }
    if (out.size() > SchemaLimits.MAX_KEY_BYTES) {
      throw new RowTooLargeException(
          null, "the encoded primary key", out.size(), SchemaLimits.MAX_KEY_BYTES);
    }
    return out.toByteArray();
  }

  private void writeKeyValue(int keyIndex, Object value, ByteWriter out) {
    Column column = schema.column(keyColumns[keyIndex]);
    if (value == null) {
      throw new SchemaViolationException(column.name(), "a primary key value must not be null");
    }
    try {
      switch (keyTypes[keyIndex]) {
        case BOOL -> out.writeByte((Boolean) value ? 1 : 0);
        case INT32 -> out.writeIntBE((Integer) value ^ Integer.MIN_VALUE);
        case INT64, TIMESTAMP -> out.writeLongBE((Long) value ^ Long.MIN_VALUE);
        case FLOAT32 -> out.writeIntBE(orderedBits((Float) value));
        case FLOAT64 -> out.writeLongBE(orderedBits((Double) value));
        case STRING -> writeEscaped(((String) value).getBytes(StandardCharsets.UTF_8), out);
        case BYTES -> writeEscaped((byte[]) value, out);
      }
    } catch (ClassCastException e) {
      throw RowValidator.wrongType(column, value);
    }
  }

  static int orderedBits(float value) {
    // floatToIntBits maps every NaN to 0x7fc00000; adding 0.0f turns -0.0 into +0.0.
    int bits = Float.floatToIntBits(value + 0.0f);
    return bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE;
  }

  static long orderedBits(double value) {
    long bits = Double.doubleToLongBits(value + 0.0);
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  private static void writeEscaped(byte[] bytes, ByteWriter out) {
    writeEscaped(bytes, 0, bytes.length, out);
  }

  static void writeEscaped(byte[] bytes, int offset, int length, ByteWriter out) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      out.writeByte(b);
      if (b == ESCAPE) {
        out.writeByte(ESCAPED_ZERO);
      }
    }
    out.writeByte(ESCAPE);
    out.writeByte(TERMINATOR);
  }

  /**
   * Decodes an encoded key into its values in primary-key order.
   *
   * @throws io.floe.core.format.FormatException if the bytes are not a key of this schema
   */
  public Object[] decode(byte[] key) {
    ByteReader in = new ByteReader("key", key, 0, key.length);
    Object[] values = new Object[keyTypes.length];
    for (int i = 0; i < keyTypes.length; i++) {
      values[i] = readKeyValue(keyTypes[i], in);
    }
    if (!in.atEnd()) {
      throw in.corrupt("trailing bytes after the last key column");
    }
    return values;
  }

  /**
   * Checks that the bytes are a key of this schema, as {@link #decode} would, without boxing the
   * fixed-width values (a node checks the key of every read it serves).
   *
   * @throws io.floe.core.format.FormatException if the bytes are not a key of this schema
   */
  public void check(byte[] key) {
    ByteReader in = new ByteReader("key", key, 0, key.length);
    for (ColumnType type : keyTypes) {
      switch (type) {
        case INT32, FLOAT32 -> in.readIntBE();
        case INT64, TIMESTAMP, FLOAT64 -> in.readLongBE();
        default -> readKeyValue(type, in);
      }
    }
    if (!in.atEnd()) {
      throw in.corrupt("trailing bytes after the last key column");
    }
  }

  private static Object readKeyValue(ColumnType type, ByteReader in) {
    return switch (type) {
      case BOOL -> readBool(in);
      case INT32 -> in.readIntBE() ^ Integer.MIN_VALUE;
      case INT64, TIMESTAMP -> in.readLongBE() ^ Long.MIN_VALUE;
      case FLOAT32 -> floatFromOrdered(in.readIntBE());
      case FLOAT64 -> doubleFromOrdered(in.readLongBE());
      case STRING -> {
        byte[] utf8 = readEscaped(in);
        yield Utf8.decode("key", utf8, 0, utf8.length);
      }
      case BYTES -> readEscaped(in);
    };
  }

  private static Boolean readBool(ByteReader in) {
    int b = in.readByte();
    if (b > 1) {
      throw in.corrupt("bool byte must be 0 or 1, found " + b);
    }
    return b == 1;
  }

  private static float floatFromOrdered(int ordered) {
    return Float.intBitsToFloat(ordered < 0 ? ordered ^ Integer.MIN_VALUE : ~ordered);
  }

  private static double doubleFromOrdered(long ordered) {
    return Double.longBitsToDouble(ordered < 0 ? ordered ^ Long.MIN_VALUE : ~ordered);
  }

  private static byte[] readEscaped(ByteReader in) {
    ByteWriter out = new ByteWriter(32);
    while (true) {
      int b = in.readByte();
      if (b != ESCAPE) {
        out.writeByte(b);
        continue;
      }
      int next = in.readByte();
      if (next == TERMINATOR) {
        return out.toByteArray();
      }
      if (next != ESCAPED_ZERO) {
        throw in.corrupt("bad escape 0x00 0x" + Integer.toHexString(next));
      }
      out.writeByte(0);
    }
  }

  /** Unsigned lexicographic order of encoded keys: the primary-key order. */
  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }
}
