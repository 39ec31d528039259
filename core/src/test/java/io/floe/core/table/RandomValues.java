package io.floe.core.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random schemas, rows and key values biased towards edge cases. */
final class RandomValues {
  private static final String[] ODD_STRINGS = {
    "", "a", "a\0", "a\0b", "\0", "\0\0", "ab", "é", "日本語", "😀", "\uFFFD", "\u007F", "zzz"
  };
  private final Random random;

  RandomValues(long seed) {
    random = new Random(seed);
  }

  Random random() {
    return random;
  }

  ColumnType type() {
    ColumnType[] types = ColumnType.values();
    return types[random.nextInt(types.length)];
  }

  Schema schema() {
    int columns = 1 + random.nextInt(12);
    List<Column> list = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      list.add(new Column("c" + i, type(), random.nextBoolean()));
    }
    int keyColumns = 1 + random.nextInt(Math.min(3, columns));
    List<String> key = new ArrayList<>();
    for (int i = 0; i < keyColumns; i++) {
      list.set(i, new Column("c" + i, list.get(i).type(), false));
      key.add("c" + i);
    }
    return new Schema(0, list, key);
  }

  Row row(Schema schema) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      Column column = schema.column(i);
      values[i] = column.nullable() && random.nextInt(4) == 0 ? null : value(column.type());
    }
    return new Row(values);
  }

  Object value(ColumnType type) {
    return switch (type) {
      case BOOL -> random.nextBoolean();
      case INT32 ->
          pick(new Integer[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE}, random::nextInt);
      case INT64, TIMESTAMP ->
          pick(new Long[] {0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE}, this::anyLong);
      case FLOAT32 ->
          pick(
              new Float[] {
                0f,
                -0f,
                Float.NaN,
                Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY,
                Float.MIN_VALUE,
                -Float.MAX_VALUE
              },
              () -> Float.intBitsToFloat(random.nextInt()));
      case FLOAT64 ->
          pick(
              new Double[] {
                0d,
                -0d,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                Double.MIN_VALUE,
                -Double.MAX_VALUE
              },
              () -> Double.longBitsToDouble(random.nextLong()));
      case STRING ->
          random.nextInt(3) == 0 ? ODD_STRINGS[random.nextInt(ODD_STRINGS.length)] : string();
      case BYTES -> bytes();
    };
  }

  private long anyLong() {
    // Spread over magnitudes so every varint length is exercised.
    return random.nextLong() >> random.nextInt(64);
  }

  private String string() {
    int length = random.nextInt(12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int cp =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> 0x80 + random.nextInt(0x780);
            case 2 -> 0xE000 + random.nextInt(0x2000);
            default -> 0x10000 + random.nextInt(0x10000);
          };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  private byte[] bytes() {
    byte[] bytes = new byte[random.nextInt(10)];
    for (int i = 0; i < bytes.length; i++) {
      // Many zeros and 0xFF, the bytes the key escape cares about.
      int r = random.nextInt(4);
      bytes[i] = (byte) (r == 0 ? 0 : r == 1 ? 0xFF : random.nextInt(256));
    }
    return bytes;
  }

  private <T> T pick(T[] edges, java.util.function.Supplier<T> any) {
    return random.nextInt(3) == 0 ? edges[random.nextInt(edges.length)] : any.get();
  }
}
