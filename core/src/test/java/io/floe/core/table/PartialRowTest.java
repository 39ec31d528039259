package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartialRowTest {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, false),
              new Column("age", ColumnType.INT32, true)),
          List.of("id"));

  @Test
  void mergeReplacesOnlyTheNamedColumns() {
    PartialRow update = new PartialRow(SCHEMA, List.of("age"));
    Row merged = update.merge(new Row(1L, "ann", 30), update.encode(31));
    assertThat(merged).isEqualTo(new Row(1L, "ann", 31));
    PartialRow both = new PartialRow(SCHEMA, List.of("age", "name"));
    assertThat(both.merge(new Row(1L, "ann", 30), both.encode(null, "bob")))
        .isEqualTo(new Row(1L, "bob", null));
  }

  @Test
  void unknownDuplicateAndKeyColumnsAreRefusedByName() {
    assertThatThrownBy(() -> new PartialRow(SCHEMA, List.of("nope")))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> new PartialRow(SCHEMA, List.of("id")))
        .hasMessageContaining("'id'")
        .hasMessageContaining("primary-key");
    assertThatThrownBy(() -> new PartialRow(SCHEMA, List.of("age", "age")))
        .hasMessageContaining("twice");
  }

  @Test
  void nullForANonNullColumnIsRefusedOnBothSides() {
    PartialRow update = new PartialRow(SCHEMA, List.of("name"));
    assertThatThrownBy(() -> update.encode((Object) null))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("'name'");
    // A short encoding (no columns) reads as null: the node refuses it too.
    byte[] empty = {0};
    assertThatThrownBy(() -> update.merge(new Row(1L, "ann", 30), empty))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("'name'");
  }
}
