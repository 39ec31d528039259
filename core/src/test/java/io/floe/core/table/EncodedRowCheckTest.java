package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.FormatException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedRowCheckTest {
  /** What decoding, validating and key-encoding a row gives: the key, or the exception's type. */
  private static Object reference(Schema schema, byte[] bytes) {
    try {
      Row row = new RowCodec(schema).decode(bytes);
      new RowValidator(schema).validate(row);
      return List.of(new KeyCodec(schema).encode(row));
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }

  private static Object checked(Schema schema, byte[] bytes) {
    try {
      return List.of(new EncodedRowCheck(schema).check(bytes));
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }

  private static void assertSameOutcome(Schema schema, byte[] bytes) {
    Object expected = reference(schema, bytes);
    Object actual = checked(schema, bytes);
    if (expected instanceof List<?> e && actual instanceof List<?> a) {
      assertThat((byte[]) a.get(0)).isEqualTo((byte[]) e.get(0));
    } else {
      assertThat(actual).as("outcome for %s", Arrays.toString(bytes)).isEqualTo(expected);
    }
  }

  @Test
  void validRowsGiveTheSameKeyAsDecodingAndEncoding() {
    RandomValues random = new RandomValues(42);
    for (int i = 0; i < 2_000; i++) {
      Schema schema = random.schema();
      byte[] bytes = new RowCodec(schema).encode(random.row(schema));
      assertThat(checked(schema, bytes)).isInstanceOf(List.class);
      assertSameOutcome(schema, bytes);
    }
  }

  @Test
  void damagedRowsAreRefusedAsDecodingAndValidatingWould() {
    RandomValues random = new RandomValues(7);
    Random r = random.random();
    for (int i = 0; i < 5_000; i++) {
      Schema schema = random.schema();
      byte[] bytes = new RowCodec(schema).encode(random.row(schema));
      byte[] damaged =
          switch (r.nextInt(3)) {
            case 0 -> Arrays.copyOf(bytes, r.nextInt(bytes.length)); // truncated
            case 1 -> Arrays.copyOf(bytes, bytes.length + 1 + r.nextInt(3)); // trailing
            default -> {
              byte[] copy = bytes.clone();
              copy[r.nextInt(copy.length)] ^= (byte) (1 << r.nextInt(8));
              yield copy;
            }
          };
      assertSameOutcome(schema, damaged);
    }
  }

  @Test
  void keyColumnsAreEncodedInKeyOrderNotColumnOrder() {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("v", ColumnType.STRING, true),
                new Column("b", ColumnType.INT32, false),
                new Column("a", ColumnType.STRING, false)),
            List.of("a", "b"));
    byte[] bytes = new RowCodec(schema).encode(new Row("x", 7, "k\0ey"));
    assertThat(new EncodedRowCheck(schema).check(bytes))
        .isEqualTo(new KeyCodec(schema).encodeKey("k\0ey", 7));
  }

  @Test
  void aRowOfAnOlderSchemaMissingANonNullColumnIsASchemaViolation() {
    Schema v1 = new Schema(0, List.of(new Column("k", ColumnType.INT64, false)), List.of("k"));
    Schema v2 =
        new Schema(
            1,
            List.of(
                new Column("k", ColumnType.INT64, false), new Column("n", ColumnType.BOOL, false)),
            List.of("k"));
    byte[] old = new RowCodec(v1).encode(new Row(5L));
    assertThatThrownBy(() -> new EncodedRowCheck(v2).check(old))
        .isExactlyInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("n");
  }

  @Test
  void aValueOverItsLimitIsRowTooLargeButCorruptionComesFirst() {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("k", ColumnType.INT64, false),
                new Column("b", ColumnType.BYTES, false),
                new Column("t", ColumnType.BOOL, false)),
            List.of("k"));
    byte[] big = new byte[SchemaLimits.MAX_VALUE_BYTES + 1];
    byte[] bytes = new RowCodec(schema).encode(new Row(1L, big, true));
    assertThatThrownBy(() -> new EncodedRowCheck(schema).check(bytes))
        .isExactlyInstanceOf(RowTooLargeException.class);
    byte[] badBool = bytes.clone();
    badBool[badBool.length - 1] = 2;
    assertThatThrownBy(() -> new EncodedRowCheck(schema).check(badBool))
        .isInstanceOf(FormatException.class);
  }
}
