package io.floe.storage.snapshot;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random schemas and rows covering every type, nulls, empty and unicode strings, extremes. */
final class SnapshotTestData {
  private static final String[] SAMPLES = {
    "", "a", "Grüße", "日本語テキスト", "emoji 🧊❄️", "x".repeat(300)
  };

  private SnapshotTestData() {}

  static Schema randomSchema(Random rnd) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("id", ColumnType.INT64, false));
    int n = 1 + rnd.nextInt(10);
    for (int i = 0; i < n; i++) {
      ColumnType type = ColumnType.values()[rnd.nextInt(ColumnType.values().length)];
      columns.add(new Column("c" + i + "_" + type.jsonName(), type, rnd.nextBoolean()));
    }
    return new Schema(rnd.nextInt(100), columns, List.of("id"));
  }

  static Row randomRow(Random rnd, Schema schema, long id) {
    Object[] values = new Object[schema.size()];
    values[0] = id;
    for (int i = 1; i < values.length; i++) {
      Column c = schema.column(i);
      values[i] = c.nullable() && rnd.nextInt(4) == 0 ? null : value(rnd, c.type());
    }
    return new Row(values);
  }

  static Object value(Random rnd, ColumnType type) {
    boolean extreme = rnd.nextInt(5) == 0;
    return switch (type) {
      case BOOL -> rnd.nextBoolean();
      case INT32 -> extreme ? pick(rnd, Integer.MIN_VALUE, Integer.MAX_VALUE, 0) : rnd.nextInt();
      case INT64, TIMESTAMP ->
          extreme ? pick(rnd, Long.MIN_VALUE, Long.MAX_VALUE, 0L) : rnd.nextLong();
      case FLOAT32 ->
          extreme
              ? pick(rnd, Float.NaN, Float.MAX_VALUE, -Float.MIN_VALUE, Float.NEGATIVE_INFINITY)
              : rnd.nextFloat();
      case FLOAT64 ->
          extreme
              ? pick(rnd, Double.NaN, Double.MAX_VALUE, Double.MIN_VALUE, Double.POSITIVE_INFINITY)
              : rnd.nextGaussian();
      case STRING -> extreme ? randomUnicode(rnd) : SAMPLES[rnd.nextInt(SAMPLES.length)];
      case BYTES -> {
        byte[] b = new byte[extreme ? rnd.nextInt(2000) : rnd.nextInt(3)];
        rnd.nextBytes(b);
        yield b;
      }
    };
  }

  @SafeVarargs
  private static <T> T pick(Random rnd, T... options) {
    return options[rnd.nextInt(options.length)];
  }

  private static String randomUnicode(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(20);
    while (sb.length() < n) {
      int cp = rnd.nextInt(0x10FFFF);
      if (Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }
}
