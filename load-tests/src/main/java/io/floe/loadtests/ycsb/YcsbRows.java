package io.floe.loadtests.ycsb;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

/**
 * How a YCSB record is a Floe row: the key in {@code ycsb_key} (string, the primary key), each
 * field in a nullable {@code bytes} column of its own name ({@code field0} … by YCSB's default
 * naming). YCSB hands over values as single-use byte iterators and reads them back as iterators.
 */
public final class YcsbRows {
  public static final String KEY_COLUMN = "ycsb_key";

  private final Schema schema;
  private final Map<String, Integer> indexByField = new HashMap<>();

  public YcsbRows(Schema schema) {
    if (schema.indexOf(KEY_COLUMN) != 0 || !schema.primaryKey().equals(List.of(KEY_COLUMN))) {
      throw new IllegalArgumentException(
          "a YCSB table needs its first column '"
              + KEY_COLUMN
              + "' as its only primary key; got columns "
              + schema.columns()
              + " key "
              + schema.primaryKey());
    }
    this.schema = schema;
    for (int i = 1; i < schema.size(); i++) {
      indexByField.put(schema.column(i).name(), i);
    }
  }

  /** The YCSB table: {@code ycsb_key string} then {@code fieldcount} fields named by prefix. */
  public static Schema schema(String fieldPrefix, int fieldCount) {
    List<Column> columns = new ArrayList<>(fieldCount + 1);
    columns.add(new Column(KEY_COLUMN, ColumnType.STRING, false));
    for (int i = 0; i < fieldCount; i++) {
      columns.add(new Column(fieldPrefix + i, ColumnType.BYTES, true));
    }
    return new Schema(1, columns, List.of(KEY_COLUMN));
  }

  /** A new row holding {@code values}; fields not given are null. */
  public Row toRow(String key, Map<String, ByteIterator> values) {
    Object[] row = new Object[schema.size()];
    row[0] = key;
    set(row, values);
    return new Row(row);
  }

  /**
   * The fields of an update as the columns a partial update writes (a field the table lacks is an
   * error).
   */
  public Map<String, Object> columns(Map<String, ByteIterator> updates) {
    Map<String, Object> columns = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, ByteIterator> e : updates.entrySet()) {
      index(e.getKey());
      columns.put(e.getKey(), e.getValue().toArray());
    }
    return columns;
  }

  private void set(Object[] row, Map<String, ByteIterator> values) {
    for (Map.Entry<String, ByteIterator> e : values.entrySet()) {
      row[index(e.getKey())] = e.getValue().toArray();
    }
  }

  /**
   * Copies into {@code out} the non-null fields of {@code row} that {@code fields} names (every
   * field when it is null, as YCSB asks for all fields). A named field the table lacks is an error.
   */
  public void project(Row row, Set<String> fields, Map<String, ByteIterator> out) {
    if (fields == null) {
      for (int i = 1; i < schema.size(); i++) {
        put(out, schema.column(i).name(), row.get(i));
      }
      return;
    }
    for (String field : fields) {
      put(out, field, row.get(index(field)));
    }
  }

  private static void put(Map<String, ByteIterator> out, String field, Object value) {
    if (value != null) {
      out.put(field, new ByteArrayByteIterator((byte[]) value));
    }
  }

  private int index(String field) {
    Integer index = indexByField.get(field);
    if (index == null) {
      throw new IllegalArgumentException(
          "table has no field '"
              + field
              + "' (its fields: "
              + indexByField.keySet().stream().sorted().toList()
              + "): give the load and run phases the same fieldcount and fieldnameprefix");
    }
    return index;
  }
}
