package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

  @Test
  void randomKeysRoundTrip() {
    RandomValues random = new RandomValues(7);
    for (int s = 0; s < 300; s++) {
      Schema schema = random.schema();
      KeyCodec codec = new KeyCodec(schema);
      for (int r = 0; r < 20; r++) {
        Object[] key = keyOf(schema, random.row(schema));
        Object[] decoded = codec.decode(codec.encodeKey(key));
        assertThat(canonical(decoded)).isEqualTo(canonical(key));
      }
    }
  }

  @Test
  void byteOrderIsKeyOrderForEveryType() {
    RandomValues random = new RandomValues(11);
    for (int s = 0; s < 200; s++) {
      Schema schema = random.schema();
      KeyCodec codec = new KeyCodec(schema);
      List<Object[]> keys = new ArrayList<>();
      for (int r = 0; r < 30; r++) {
        keys.add(keyOf(schema, random.row(schema)));
      }
      for (Object[] a : keys) {
        for (Object[] b : keys) {
          int expected = Integer.signum(compareKeys(schema, a, b));
          int actual = Integer.signum(KeyCodec.compare(codec.encodeKey(a), codec.encodeKey(b)));
          assertThat(actual)
              .as("%s vs %s", Arrays.deepToString(a), Arrays.deepToString(b))
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void numbersOrderAcrossTheSign() {
    KeyCodec ints = codecOf(ColumnType.INT64);
    assertOrdered(ints, Long.MIN_VALUE, -2L, -1L, 0L, 1L, Long.MAX_VALUE);
    KeyCodec floats = codecOf(ColumnType.FLOAT64);
    assertOrdered(
        floats,
        Double.NEGATIVE_INFINITY,
        -Double.MAX_VALUE,
        -1.5,
        -Double.MIN_VALUE,
        0.0,
        Double.MIN_VALUE,
        1.5,
        Double.MAX_VALUE,
        Double.POSITIVE_INFINITY,
        Double.NaN);
  }

  @Test
  void negativeZeroIsZeroAndAllNansAreOneKey() {
    KeyCodec floats = codecOf(ColumnType.FLOAT32);
    assertThat(floats.encodeKey(-0.0f)).isEqualTo(floats.encodeKey(0.0f));
    assertThat(floats.encodeKey(Float.intBitsToFloat(0x7f800001)))
        .isEqualTo(floats.encodeKey(Float.NaN));
    assertThat(floats.decode(floats.encodeKey(-0.0f))[0]).isEqualTo(0.0f);
  }

  @Test
  void stringPrefixesAndZeroBytesOrderRight() {
    KeyCodec strings = codecOf(ColumnType.STRING);
    assertOrdered(
        strings, "", "\0", "\0\0", "a", "a\0", "a\0b", "a\u0001", "ab", "b", "é", "\uFFFF", "😀");
  }

  @Test
  void compositeKeysOrderColumnByColumn() {
    Schema schema =
        new Schema(
            0,
            List.of(
                new Column("a", ColumnType.STRING, false),
                new Column("b", ColumnType.INT32, false)),
            List.of("a", "b"));
    KeyCodec codec = new KeyCodec(schema);
    byte[] abMax = codec.encodeKey("ab", Integer.MAX_VALUE);
    byte[] abcMin = codec.encodeKey("abc", Integer.MIN_VALUE);
    byte[] aZero = codec.encodeKey("a", 0);
    assertThat(KeyCodec.compare(aZero, abMax)).isNegative();
    assertThat(KeyCodec.compare(abMax, abcMin)).isNegative();
  }

  @Test
  void refusesNullsOversizedKeysAndMalformedBytes() {
    KeyCodec strings = codecOf(ColumnType.STRING);
    assertThatThrownBy(() -> strings.encodeKey((Object) null))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'k': a primary key value must not be null");
    assertThatThrownBy(() -> strings.encodeKey("x".repeat(SchemaLimits.MAX_KEY_BYTES)))
        .isInstanceOf(RowTooLargeException.class)
        .hasMessageContaining("encoded primary key is 4098 bytes, over the limit of 4096 bytes");
    assertThatThrownBy(() -> strings.decode("ab".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("key: truncated");
    assertThatThrownBy(() -> strings.decode(new byte[] {'a', 0, 7}))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad escape 0x00 0x7");
    assertThatThrownBy(() -> codecOf(ColumnType.INT32).decode(new byte[5]))
        .hasMessageContaining("trailing bytes");
  }

  private static KeyCodec codecOf(ColumnType type) {
    return new KeyCodec(new Schema(0, List.of(new Column("k", type, false)), List.of("k")));
  }

  private static void assertOrdered(KeyCodec codec, Object... ascending) {
    for (int i = 1; i < ascending.length; i++) {
      assertThat(KeyCodec.compare(codec.encodeKey(ascending[i - 1]), codec.encodeKey(ascending[i])))
          .as("%s < %s", ascending[i - 1], ascending[i])
          .isNegative();
    }
  }

  private static Object[] keyOf(Schema schema, Row row) {
    return schema.primaryKey().stream().map(name -> row.get(schema.indexOf(name))).toArray();
  }

  /** -0.0 and every NaN compare as their canonical forms, as spec.md §4 says. */
  private static List<Object> canonical(Object[] key) {
    List<Object> result = new ArrayList<>();
    for (Object value : key) {
      if (value instanceof Float f) {
        result.add(f + 0.0f);
      } else if (value instanceof Double d) {
        result.add(d + 0.0);
      } else if (value instanceof byte[] b) {
        result.add(new String(b, StandardCharsets.ISO_8859_1));
      } else {
        result.add(value);
      }
    }
    return result;
  }

  /** The reference order: value by value, strings by code point, bytes unsigned. */
  private static int compareKeys(Schema schema, Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = compareValues(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static int compareValues(Object a, Object b) {
    if (a instanceof Float x) {
      return Float.compare(x + 0.0f, (Float) b + 0.0f);
    }
    if (a instanceof Double x) {
      return Double.compare(x + 0.0, (Double) b + 0.0);
    }
    if (a instanceof String x) {
      return Arrays.compare(x.codePoints().toArray(), ((String) b).codePoints().toArray());
    }
    if (a instanceof byte[] x) {
      return Arrays.compareUnsigned(x, (byte[]) b);
    }
    return ((Comparable<Object>) a).compareTo(b);
  }
}
