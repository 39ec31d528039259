package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import site.ycsb.ByteIterator;
import site.ycsb.StringByteIterator;

class YcsbRowsTest {
  private final YcsbRows rows = new YcsbRows(YcsbRows.schema("field", 3));

  private static Map<String, ByteIterator> values(String... fieldValue) {
    Map<String, ByteIterator> out = new HashMap<>();
    for (int i = 0; i < fieldValue.length; i += 2) {
      out.put(fieldValue[i], new StringByteIterator(fieldValue[i + 1]));
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> strings(Map<String, ByteIterator> got) {
    Map<String, String> out = new TreeMap<>();
    got.forEach((k, v) -> out.put(k, new String(v.toArray(), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void theTableIsAStringKeyThenNullableBytesFieldsNamedByPrefix() {
    Schema schema = YcsbRows.schema("f", 2);

    assertThat(schema.columns())
        .containsExactly(
            new Column("ycsb_key", ColumnType.STRING, false),
            new Column("f0", ColumnType.BYTES, true),
            new Column("f1", ColumnType.BYTES, true));
    assertThat(schema.primaryKey()).containsExactly("ycsb_key");
  }

  @Test
  void aRecordBecomesARowWithEachFieldInItsColumnAndTheOthersNull() {
    Row row = rows.toRow("user1", values("field2", "c", "field0", "a"));

    assertThat(row.get(0)).isEqualTo("user1");
    assertThat((byte[]) row.get(1)).isEqualTo(bytes("a"));
    assertThat(row.get(2)).isNull();
    assertThat((byte[]) row.get(3)).isEqualTo(bytes("c"));
  }

  @Test
  void readingAllFieldsGivesEveryNonNullField() {
    Row row = rows.toRow("user1", values("field0", "a", "field2", "c"));
    Map<String, ByteIterator> got = new HashMap<>();

    rows.project(row, null, got);

    assertThat(strings(got)).isEqualTo(Map.of("field0", "a", "field2", "c"));
  }

  @Test
  void readingSomeFieldsGivesOnlyThoseThatHaveValues() {
    Row row = rows.toRow("user1", values("field0", "a", "field1", "b", "field2", "c"));
    Row sparse = rows.toRow("user2", values("field0", "a"));
    Map<String, ByteIterator> got = new HashMap<>();
    Map<String, ByteIterator> fromSparse = new HashMap<>();

    rows.project(row, new LinkedHashSet<>(List.of("field2", "field0")), got);
    rows.project(sparse, Set.of("field1"), fromSparse);

    assertThat(strings(got)).isEqualTo(Map.of("field0", "a", "field2", "c"));
    assertThat(fromSparse).isEmpty();
  }

  @Test
  void anUpdateWritesExactlyTheNamedFieldsAsColumns() {
    Map<String, Object> columns = rows.columns(values("field1", "B", "field2", "C"));

    assertThat(columns.keySet()).containsExactly("field1", "field2");
    assertThat((byte[]) columns.get("field1")).isEqualTo(bytes("B"));
    assertThat((byte[]) columns.get("field2")).isEqualTo(bytes("C"));
  }

  @Test
  void aFieldTheTableLacksIsRefusedByName() {
    assertThatThrownBy(() -> rows.toRow("user1", values("field7", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'field7'")
        .hasMessageContaining("[field0, field1, field2]");
    assertThatThrownBy(
            () -> rows.project(rows.toRow("k", Map.of()), Set.of("other"), new HashMap<>()))
        .hasMessageContaining("'other'");
  }

  @Test
  void aTableWhoseKeyIsNotTheYcsbKeyIsRefused() {
    Schema other =
        new Schema(
            1,
            List.of(
                new Column("id", ColumnType.INT64, false),
                new Column("field0", ColumnType.BYTES, true)),
            List.of("id"));

    assertThatThrownBy(() -> new YcsbRows(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ycsb_key'");
  }
}
