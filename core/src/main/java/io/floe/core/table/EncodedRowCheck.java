package io.floe.core.table;

import io.floe.core.format.FormatException;

/**
 * Validates a row in its binary encoding (spec.md §3) against a schema and extracts its encoded
 * primary key (spec.md §4), without materialising a {@link Row}: what a node does with every write
 * it receives, so it allocates only the key. It accepts and refuses exactly what {@link
 * RowCodec#decode} followed by {@link RowValidator#validate} and {@link KeyCodec#encode} would,
 * with the same exception types.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EncodedRowCheck {
  private final Schema schema;
  private final ColumnType[] types;
  private final int[] keyColumns;

  public EncodedRowCheck(Schema schema) {
    this.schema = schema;
    this.types = schema.columns().stream().map(Column::type).toArray(ColumnType[]::new);
    this.keyColumns = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
  }

  /**
   * Checks the encoded row and returns its encoded primary key.
   *
   * @throws FormatException if the bytes do not decode as a row of this schema
   * @throws SchemaViolationException for a null in a non-null column
   * @throws RowTooLargeException for a value, the key or the row over its limit
   */
  public byte[] check(byte[] bytes) {
    if (bytes.length > SchemaLimits.MAX_ROW_BYTES) {
      throw new RowTooLargeException(
          null, "the encoded row", bytes.length, SchemaLimits.MAX_ROW_BYTES);
    }
    ByteReader in = new ByteReader("row", bytes, 0, bytes.length);
    long count = in.readUVarint();
    if (count > types.length) {
      throw in.corrupt(
          "encodes " + count + " columns but the schema has " + types.length + " (newer schema?)");
    }
    int n = (int) count;
    int bitmap = in.skip((n + 7) / 8);
    // Where each present value starts, so the key columns can be re-read in key order; -1: null.
    int[] starts = new int[types.length];
    // Malformed bytes are refused at once; schema violations only after the whole row decoded,
    // the first in column order, as decoding and then validating would report them.
    SchemaViolationException violation = null;
    for (int i = 0; i < types.length; i++) {
      boolean isNull = i >= n || (bytes[bitmap + i / 8] & (1 << (i % 8))) != 0;
      if (isNull) {
        if (!schema.column(i).nullable()) {
          if (i < n) {
            throw in.corrupt("null in non-null column '" + schema.column(i).name() + "'");
          }
          violation =
              violation != null
                  ? violation
                  : new SchemaViolationException(
                      schema.column(i).name(), "null in a non-null column");
        }
        starts[i] = -1;
      } else {
        starts[i] = in.position();
        SchemaViolationException v = skipValue(i, in);
        violation = violation != null ? violation : v;
      }
    }
    if (!in.atEnd()) {
      throw in.corrupt("trailing bytes after the last column");
    }
    if (violation != null) {
      throw violation;
    }
    return key(bytes, starts);
  }

  /** Reads past one value, refusing malformed bytes; returns a limit it breaks, or null. */
  private SchemaViolationException skipValue(int column, ByteReader in) {
    switch (types[column]) {
      case BOOL -> {
        int b = in.readByte();
        if (b > 1) {
          throw in.corrupt("bool byte must be 0 or 1, found " + b);
        }
      }
      case INT32 -> {
        long value = in.readVarint();
        if (value != (int) value) {
          throw in.corrupt("int32 value out of range: " + value);
        }
      }
      case INT64, TIMESTAMP -> in.readVarint();
      case FLOAT32 -> in.skip(4);
      case FLOAT64 -> in.skip(8);
      case STRING -> {
        long length = in.readUVarint();
        int start = in.skip(length);
        Utf8.decode("row", in.array(), start, (int) length); // refuses invalid UTF-8
        return overLimit(column, "string value (UTF-8)", length);
      }
      case BYTES -> {
        long length = in.readUVarint();
        in.skip(length);
        return overLimit(column, "bytes value", length);
      }
    }
    return null;
  }

  private SchemaViolationException overLimit(int column, String what, long length) {
    return length > SchemaLimits.MAX_VALUE_BYTES
        ? new RowTooLargeException(
            schema.column(column).name(), what, length, SchemaLimits.MAX_VALUE_BYTES)
        : null;
  }

  private byte[] key(byte[] bytes, int[] starts) {
    ByteWriter out = new ByteWriter(16);
    for (int column : keyColumns) {
      if (starts[column] < 0) {
        throw new SchemaViolationException(
            schema.column(column).name(), "a primary key value must not be null");
      }
      ByteReader in = new ByteReader("row", bytes, starts[column], bytes.length - starts[column]);
      switch (types[column]) {
        case BOOL -> out.writeByte(in.readByte());
        case INT32 -> out.writeIntBE((int) in.readVarint() ^ Integer.MIN_VALUE);
        case INT64, TIMESTAMP -> out.writeLongBE(in.readVarint() ^ Long.MIN_VALUE);
        case FLOAT32 -> out.writeIntBE(KeyCodec.orderedBits(Float.intBitsToFloat(in.readIntLE())));
        case FLOAT64 ->
            out.writeLongBE(KeyCodec.orderedBits(Double.longBitsToDouble(in.readLongLE())));
        case STRING, BYTES -> {
          int length = (int) in.readUVarint();
          KeyCodec.writeEscaped(bytes, in.skip(length), length, out);
        }
      }
    }
    if (out.size() > SchemaLimits.MAX_KEY_BYTES) {
      throw new RowTooLargeException(
          null, "the encoded primary key", out.size(), SchemaLimits.MAX_KEY_BYTES);
    }
    return out.toByteArray();
  }
}
