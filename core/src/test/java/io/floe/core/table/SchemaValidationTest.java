package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaValidationTest {
  private static final Column ID = new Column("id", ColumnType.INT64, false);
  private static final Column NAME = new Column("name", ColumnType.STRING, true);

  @Test
  void validSchemaPasses() {
    Schema schema = new Schema(0, List.of(ID, NAME), List.of("id"));
    assertThat(SchemaValidator.problems(schema)).isEmpty();
  }

  @Test
  void everyProblemIsReportedWithItsColumn() {
    Schema schema =
        new Schema(
            -1,
            List.of(
                new Column("id", ColumnType.INT64, true),
                new Column("Name", ColumnType.STRING, true),
                new Column("name", ColumnType.STRING, true),
                new Column("_offset", ColumnType.INT64, true),
                new Column("9lives", ColumnType.INT32, true),
                new Column("x".repeat(65), ColumnType.INT32, true)),
            List.of("id", "missing", "id"));
    assertThat(SchemaValidator.problems(schema))
        .containsExactly(
            "schema-id must not be negative, found -1",
            "column 'name': duplicate name (same as 'Name' ignoring case)",
            "column '_offset': names starting with '_' are reserved for hidden columns",
            "column '9lives': a name must start with an ASCII letter and hold only ASCII letters,"
                + " digits and '_'",
            "column '" + "x".repeat(65) + "': the name is 65 characters long (at most 64)",
            "primary key column 'id': must not be nullable",
            "primary key column 'missing': no such column",
            "primary key column 'id': named twice");
  }

  @Test
  void emptyKeyAndTooManyColumnsAreRefused() {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i <= SchemaLimits.MAX_COLUMNS; i++) {
      columns.add(new Column("c" + i, ColumnType.INT32, false));
    }
    assertThatThrownBy(() -> SchemaValidator.validate(new Schema(0, columns, List.of())))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessage(
            "invalid schema: too many columns: 1025 (at most 1024); the primary key is empty: name"
                + " at least one column");
  }

  @Test
  void evolutionAcceptsAppendedNullableColumns() {
    Schema v0 = new Schema(0, List.of(ID), List.of("id"));
    Schema v1 = new Schema(1, List.of(ID, NAME), List.of("id"));
    assertThat(SchemaEvolution.checkEvolution(v0, v1)).isEqualTo(v1);
  }

  @Test
  void evolutionRefusesEverythingElse() {
    Schema v0 = new Schema(0, List.of(ID, NAME), List.of("id"));
    Schema bad =
        new Schema(
            3,
            List.of(
                new Column("id", ColumnType.INT64, false),
                new Column("name", ColumnType.BYTES, true),
                new Column("age", ColumnType.INT32, false)),
            List.of("id", "age"));
    assertThatThrownBy(() -> SchemaEvolution.checkEvolution(v0, bad))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "schema-id must be 1 (current + 1), found 3",
                        "the primary key cannot change: [id] → [id, age]",
                        "column 'name': type cannot change (string → bytes)",
                        "column 'age': an added column must be nullable"));
    Schema dropped = new Schema(1, List.of(ID), List.of("id"));
    assertThatThrownBy(() -> SchemaEvolution.checkEvolution(v0, dropped))
        .hasMessageContaining("column 'name': columns cannot be dropped");
  }
}
