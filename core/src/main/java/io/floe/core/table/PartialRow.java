package io.floe.core.table;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of some columns of a row, as an update carries them ({@code data-protocol.md} §4.1.1):
 * the row encoding of a row whose columns are exactly the named ones, in the order named. Client
 * and node build the same projection of the table schema from the names, so the row codec checks
 * types and nulls on both sides.
 */
public final class PartialRow {
  private final Schema schema;
  private final List<String> names;
  private final int[] indexes;
  private final RowCodec codec;

  /**
   * @throws SchemaViolationException naming the column: unknown, named twice, or of the primary key
   */
  public PartialRow(Schema schema, List<String> names) {
    if (names.isEmpty()) {
      throw new SchemaViolationException(null, "an update names at least one column");
    }
    this.schema = schema;
    this.names = List.copyOf(names);
    this.indexes = new int[names.size()];
    List<Column> columns = new ArrayList<>(names.size());
    for (int i = 0; i < indexes.length; i++) {
      String name = names.get(i);
      int index = schema.indexOf(name);
      if (index < 0) {
        throw new SchemaViolationException(name, "no such column in the table");
      }
      if (schema.primaryKey().contains(name)) {
        throw new SchemaViolationException(name, "a primary-key column cannot be updated");
      }
      if (names.subList(0, i).contains(name)) {
        throw new SchemaViolationException(name, "named twice in one update");
      }
      indexes[i] = index;
      columns.add(schema.column(index));
    }
    this.codec = new RowCodec(new Schema(schema.schemaId(), columns, List.of()));
  }

  public List<String> names() {
    return names;
  }

  /**
   * An update as the WAL logs it ({@code wal-object.md} §2.6): {@code u16 n}, the {@code n} column
   * indexes ({@code u16} each, in the order named), then {@code values} (this projection's
   * encoding, already checked). {@link RowPatcher} applies it to a full row.
   */
  public byte[] patch(byte[] values) {
    byte[] patch = new byte[2 + 2 * indexes.length + values.length];
    putShort(patch, 0, indexes.length);
    for (int i = 0; i < indexes.length; i++) {
      putShort(patch, 2 + 2 * i, indexes[i]);
    }
    System.arraycopy(values, 0, patch, 2 + 2 * indexes.length, values.length);
    return patch;
  }

  private static void putShort(byte[] b, int at, int value) {
    b[at] = (byte) value;
    b[at + 1] = (byte) (value >>> 8);
  }

  /** Encodes the values of the named columns, in the order named. */
  public byte[] encode(Object... values) {
    return codec.encode(new Row(values));
  }

  /**
   * The full row {@code current} (null: every column null) with the named columns replaced by the
   * encoded {@code values}.
   *
   * @throws io.floe.core.format.FormatException when the values do not decode as the named columns
   */
  public Row merge(Row current, byte[] values) {
    return merge(current, decode(values));
  }

  /**
   * The named columns' values, checked: decoded in the order named, no null in a non-null column.
   *
   * @throws io.floe.core.format.FormatException when the values do not decode as the named columns
   */
  public Row decode(byte[] values) {
    Row update = codec.decode(values);
    for (int i = 0; i < indexes.length; i++) {
      Column column = schema.column(indexes[i]);
      // The codec reads columns missing from a short encoding as null: refuse them here.
      if (update.get(i) == null && !column.nullable()) {
        throw new SchemaViolationException(column.name(), "null in a non-null column");
      }
    }
    return update;
  }

  /** {@code current} (null: every column null) with the named columns set from {@code update}. */
  public Row merge(Row current, Row update) {
    Object[] merged = current == null ? new Object[schema.size()] : current.values().clone();
    for (int i = 0; i < indexes.length; i++) {
      merged[indexes[i]] = update.get(i);
    }
    return new Row(merged);
  }
}
