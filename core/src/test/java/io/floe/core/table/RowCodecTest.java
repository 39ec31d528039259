package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.FormatException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowCodecTest {
  private static final Schema USERS =
      new Schema(
          0,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("active", ColumnType.BOOL, true)),
          List.of("id"));

  @Test
  void randomRowsRoundTripAndSizeIsExact() {
    RandomValues random = new RandomValues(42);
    for (int s = 0; s < 300; s++) {
      Schema schema = random.schema();
      RowCodec codec = new RowCodec(schema);
      for (int r = 0; r < 20; r++) {
        Row row = random.row(schema);
        byte[] encoded = codec.encode(row);
        assertThat(codec.decode(encoded)).as("schema %s row %s", schema, row).isEqualTo(row);
        assertThat(codec.encodedSize(row)).isEqualTo(encoded.length);
      }
    }
  }

  @Test
  void maxLengthValuesRoundTrip() {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("k", ColumnType.INT32, false),
                new Column("blob", ColumnType.BYTES, true),
                new Column("text", ColumnType.STRING, true)),
            List.of("k"));
    byte[] blob = new byte[SchemaLimits.MAX_VALUE_BYTES];
    Arrays.fill(blob, (byte) 7);
    String text = "é".repeat(SchemaLimits.MAX_VALUE_BYTES / 2);
    Row row = new Row(1, blob, text);
    new RowValidator(schema).validate(row);
    RowCodec codec = new RowCodec(schema);
    assertThat(codec.decode(codec.encode(row))).isEqualTo(row);
  }

  @Test
  void rowsOfAnOlderSchemaReadAddedColumnsAsNull() {
    Schema v1 = new Schema(0, USERS.columns().subList(0, 2), List.of("id"));
    byte[] old = new RowCodec(v1).encode(new Row(5L, "ann"));
    assertThat(new RowCodec(USERS).decode(old)).isEqualTo(new Row(5L, "ann", null));
  }

  @Test
  void smallRowIsCompact() {
    // count(1) + bitmap(1) + varint 5 (1) + "ann" (1 + 3) + bool (1)
    assertThat(new RowCodec(USERS).encode(new Row(5L, "ann", true))).hasSize(8);
  }

  @Test
  void refusesMalformedBytes() {
    RowCodec codec = new RowCodec(USERS);
    byte[] good = codec.encode(new Row(5L, "ann", true));
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("row: truncated");
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("trailing bytes");
    byte[] tooMany = good.clone();
    tooMany[0] = 4;
    assertThatThrownBy(() -> codec.decode(tooMany))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("encodes 4 columns but the schema has 3");
    byte[] badBool = good.clone();
    badBool[badBool.length - 1] = 2;
    assertThatThrownBy(() -> codec.decode(badBool))
        .hasMessageContaining("bool byte must be 0 or 1");
    byte[] badUtf8 = good.clone();
    badUtf8[4] = (byte) 0xC3; // 'a' → a lone lead byte
    assertThatThrownBy(() -> codec.decode(badUtf8)).hasMessageContaining("invalid UTF-8");
    assertThatThrownBy(
            () ->
                codec.decode(
                    new byte[] {
                      1,
                      0,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      (byte) 0x80,
                      1
                    }))
        .hasMessageContaining("varint longer than 10 bytes");
  }

  @Test
  void encodeRefusesRowsThatBreakTheSchema() {
    RowCodec codec = new RowCodec(USERS);
    assertThatThrownBy(() -> codec.encode(new Row(null, "x", true)))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'id': null in a non-null column");
    assertThatThrownBy(() -> codec.encode(new Row(5, "x", true)))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'id': expected int64 (Long), found Integer");
  }
}
