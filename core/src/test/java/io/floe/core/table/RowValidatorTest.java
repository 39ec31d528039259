package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RowValidatorTest {
  private static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.STRING, false),
              new Column("n", ColumnType.INT32, true),
              new Column("blob", ColumnType.BYTES, true)),
          List.of("id"));
  private final RowValidator validator = new RowValidator(SCHEMA);

  @Test
  void acceptsAGoodRowWithNulls() {
    assertThatCode(() -> validator.validate(new Row("k", null, null))).doesNotThrowAnyException();
  }

  @Test
  void namesTheColumnOfEveryViolation() {
    assertThatThrownBy(() -> validator.validate(new Row("k", 1L, null)))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'n': expected int32 (Integer), found Long");
    assertThatThrownBy(() -> validator.validate(new Row(null, 1, null)))
        .hasMessage("column 'id': null in a non-null column");
    assertThatThrownBy(() -> validator.validate(new Row("k", 1)))
        .hasMessage("the row has 2 values, the schema 3 columns");
    assertThatThrownBy(() -> validator.validate(new Row("k\uD800", 1, null)))
        .hasMessage("column 'id': not valid Unicode: unpaired surrogate at index 1");
  }

  @Test
  void refusesOversizedValuesAndKeysWithSizeAndLimit() {
    byte[] big = new byte[SchemaLimits.MAX_VALUE_BYTES + 1];
    assertThatThrownBy(() -> validator.validate(new Row("k", 1, big)))
        .isInstanceOf(RowTooLargeException.class)
        .hasMessage("column 'blob': bytes value is 1048577 bytes, over the limit of 1048576 bytes");
    String longKey = "k".repeat(SchemaLimits.MAX_KEY_BYTES);
    assertThatThrownBy(() -> validator.validate(new Row(longKey, 1, null)))
        .isInstanceOf(RowTooLargeException.class)
        .hasMessageContaining("the encoded primary key is 4098 bytes, over the limit of 4096");
  }

  @Test
  void refusesRowsOverTheRowLimit() {
    List<Column> columns = new java.util.ArrayList<>();
    columns.add(new Column("id", ColumnType.INT32, false));
    Object[] values = new Object[6];
    values[0] = 1;
    for (int i = 1; i < 6; i++) {
      columns.add(new Column("b" + i, ColumnType.BYTES, true));
      values[i] = new byte[SchemaLimits.MAX_VALUE_BYTES];
    }
    RowValidator wide = new RowValidator(new Schema(0, columns, List.of("id")));
    assertThatThrownBy(() -> wide.validate(new Row(values)))
        .isInstanceOf(RowTooLargeException.class)
        .hasMessageContaining("the encoded row is 5242898 bytes, over the limit of 4194304 bytes");
  }
}
