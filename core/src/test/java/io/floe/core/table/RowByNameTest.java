package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowByNameTest {
  private static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, false),
              new Column("age", ColumnType.INT32, true),
              new Column("at", ColumnType.TIMESTAMP, true),
              new Column("ok", ColumnType.BOOL, true),
              new Column("f", ColumnType.FLOAT32, true),
              new Column("d", ColumnType.FLOAT64, true),
              new Column("blob", ColumnType.BYTES, true)),
          List.of("id"));

  @Test
  void buildsInColumnOrderWithUnsetNullableColumnsNull() {
    Row row = Row.builder(SCHEMA).set("name", "x").set("id", 7L).set("age", 30).build();

    assertThat(row).isEqualTo(new Row(7L, "x", 30, null, null, null, null, null));
    assertThat(row.schema()).isEqualTo(SCHEMA);
  }

  @Test
  void readsEveryTypeByName() {
    byte[] blob = {1, 2};
    Row row =
        Row.builder(SCHEMA)
            .set("id", 7L)
            .set("name", "x")
            .set("age", 30)
            .set("at", 1_700_000_000_000_000L)
            .set("ok", true)
            .set("f", 1.5f)
            .set("d", 2.5)
            .set("blob", blob)
            .build();

    assertThat(row.getLong("id")).isEqualTo(7L);
    assertThat(row.getString("name")).isEqualTo("x");
    assertThat(row.getInt("age")).isEqualTo(30);
    assertThat(row.getLong("at")).isEqualTo(1_700_000_000_000_000L);
    assertThat(row.getBoolean("ok")).isTrue();
    assertThat(row.getFloat("f")).isEqualTo(1.5f);
    assertThat(row.getDouble("d")).isEqualTo(2.5);
    assertThat(row.getBytes("blob")).isSameAs(blob);
    assertThat(row.get("name")).isEqualTo("x");
    assertThat(row.isNull("age")).isFalse();
  }

  @Test
  void nullColumnsReadAsNull() {
    Row row = Row.builder(SCHEMA).set("id", 1L).set("name", "x").set("age", null).build();

    assertThat(row.getInt("age")).isNull();
    assertThat(row.isNull("blob")).isTrue();
  }

  @Test
  void widensAnIntGivenForAnInt64Column() {
    Row row = Row.builder(SCHEMA).set("id", 7).set("name", "x").set("at", 5).build();

    assertThat(row.get("id")).isEqualTo(7L);
    assertThat(row.get("at")).isEqualTo(5L);
  }

  @Test
  void ofMapBuildsTheSameRow() {
    Map<String, Object> values = new HashMap<>();
    values.put("id", 7L);
    values.put("name", "x");
    values.put("ok", null);

    assertThat(Row.of(SCHEMA, values))
        .isEqualTo(Row.builder(SCHEMA).set("id", 7L).set("name", "x").build());
  }

  @Test
  void setOfAnUnknownColumnNamesItAndTheColumns() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("agee", 3))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage(
            "column 'agee': no such column; the columns are [id, name, age, at, ok, f, d, blob]")
        .extracting(e -> ((SchemaViolationException) e).column())
        .isEqualTo("agee");
  }

  @Test
  void setOfTheWrongTypeNamesTheColumnAndBothTypes() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("age", "thirty"))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'age': is int32 (Integer), not a String");
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("age", 30L))
        .hasMessage("column 'age': is int32 (Integer), not a Long");
  }

  @Test
  void nullInANonNullableColumnIsRefusedWhenSet() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("name", null))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'name': is not nullable and cannot be null");
  }

  @Test
  void nullInAKeyColumnSaysItIsTheKey() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("id", null))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'id': is a primary-key column and cannot be null");
  }

  @Test
  void buildRefusesAMissingNonNullableColumn() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("id", 1L).build())
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'name': is not nullable and was not set");
  }

  @Test
  void buildRefusesAMissingKeyColumn() {
    assertThatThrownBy(() -> Row.builder(SCHEMA).set("name", "x").build())
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'id': is a primary-key column and was not set");
  }

  @Test
  void aBuilderBuildsOneRow() {
    RowBuilder builder = Row.builder(SCHEMA).set("id", 1L).set("name", "x");
    builder.build();

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void getOfTheWrongTypeNamesTheColumnAndTheGetterToUse() {
    Row row = Row.builder(SCHEMA).set("id", 1L).set("name", "x").set("age", 30).build();

    assertThatThrownBy(() -> row.getString("age"))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'age': is int32, not a string (read it with getInt)");
    assertThatThrownBy(() -> row.getInt("id"))
        .hasMessage("column 'id': is int64, not an int (read it with getLong)");
    assertThatThrownBy(() -> row.getLong("ok"))
        .hasMessage("column 'ok': is bool, not a long (read it with getBoolean)");
  }

  @Test
  void getOfAnUnknownColumnNamesIt() {
    Row row = Row.builder(SCHEMA).set("id", 1L).set("name", "x").build();

    assertThatThrownBy(() -> row.get("nam"))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageStartingWith("column 'nam': no such column");
    assertThatThrownBy(() -> row.getString("nam")).hasMessageStartingWith("column 'nam': no such");
  }

  @Test
  void aPositionalRowHasNoNamesUntilGivenASchema() {
    Row positional = new Row(1L, "x", null, null, null, null, null, null);

    assertThat(positional.schema()).isNull();
    assertThatThrownBy(() -> positional.get("name"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column 'name'")
        .hasMessageContaining("Row.builder(schema)");
    assertThat(positional.withSchema(SCHEMA).getString("name")).isEqualTo("x");
  }

  @Test
  void withSchemaRefusesAWrongNumberOfValues() {
    assertThatThrownBy(() -> new Row(1L, "x").withSchema(SCHEMA))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("the row has 2 values, the schema 8 columns");
  }

  @Test
  void aRowBuiltByNameRoundTripsThroughTheCodecAndReadsByName() {
    Row row =
        Row.builder(SCHEMA)
            .set("id", 9L)
            .set("name", "héllo")
            .set("at", 12L)
            .set("f", 0.5f)
            .build();
    RowCodec codec = new RowCodec(SCHEMA);

    Row decoded = codec.decode(codec.encode(row));

    assertThat(decoded).isEqualTo(row);
    assertThat(decoded.getLong("id")).isEqualTo(9L);
    assertThat(decoded.getString("name")).isEqualTo("héllo");
    assertThat(decoded.getLong("at")).isEqualTo(12L);
    assertThat(decoded.getFloat("f")).isEqualTo(0.5f);
    assertThat(decoded.getInt("age")).isNull();
  }

  @Test
  void theSchemaIsNotPartOfEquality() {
    Row named = Row.builder(SCHEMA).set("id", 1L).set("name", "x").build();
    Row positional = new Row(1L, "x", null, null, null, null, null, null);

    assertThat(named).isEqualTo(positional).hasSameHashCodeAs(positional);
  }
}
