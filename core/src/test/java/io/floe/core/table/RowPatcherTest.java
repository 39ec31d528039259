package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.FormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Row patches (a partial update as the WAL logs it) against merging the update directly. */
class RowPatcherTest {
  static final Schema SCHEMA =
      new Schema(
          3,
          List.of(
              new Column("k", ColumnType.STRING, false),
              new Column("a", ColumnType.INT64, true),
              new Column("b", ColumnType.STRING, true),
              new Column("c", ColumnType.BYTES, false)),
          List.of("k"));
  static final RowCodec ROWS = new RowCodec(SCHEMA);
  static final String[] COLUMNS = {"a", "b", "c"};

  @Test
  void applyingAPatchGivesTheRowTheUpdateMerges() {
    RowPatcher patcher = new RowPatcher(SCHEMA);
    Random random = new Random(3);
    for (int round = 0; round < 500; round++) {
      Row current =
          new Row("key" + round, (long) round, random.nextBoolean() ? null : "b", new byte[] {1});
      List<String> names = new ArrayList<>(List.of(COLUMNS));
      Collections.shuffle(names, random);
      names = names.subList(0, 1 + random.nextInt(3));
      Object[] values = new Object[names.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            switch (names.get(i)) {
              case "a" -> random.nextBoolean() ? null : (Object) random.nextLong();
              case "b" -> random.nextBoolean() ? null : "v" + random.nextInt();
              default -> new byte[random.nextInt(50)];
            };
      }
      PartialRow partial = new PartialRow(SCHEMA, names);
      byte[] encodedValues = partial.encode(values);
      Row merged = partial.merge(current, encodedValues);

      byte[] patched = patcher.apply(ROWS.encode(current), partial.patch(encodedValues));

      assertThat(ROWS.decode(patched)).as("%s", names).isEqualTo(merged);
      assertThat(Arrays.equals(patched, ROWS.encode(merged))).isTrue();
    }
  }

  @Test
  void columnListsPastTheBoundStillPatchRightAndAreNotKept() {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("k", ColumnType.STRING, false));
    for (int i = 0; i < 8; i++) {
      columns.add(new Column("c" + i, ColumnType.INT64, true));
    }
    Schema schema = new Schema(1, columns, List.of("k"));
    RowCodec rows = new RowCodec(schema);
    RowPatcher patcher = new RowPatcher(schema);
    Object[] base = new Object[9];
    base[0] = "key";
    Row current = new Row(base);
    int lists = 0;
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) {
        for (int z = 0; z < 8; z++) {
          if (x == y || y == z || x == z) {
            continue;
          }
          List<String> names = List.of("c" + x, "c" + y, "c" + z);
          PartialRow partial = new PartialRow(schema, names);
          byte[] values = partial.encode(new Object[] {(long) x, (long) y, (long) z});
          byte[] patched = patcher.apply(rows.encode(current), partial.patch(values));
          assertThat(rows.decode(patched))
              .as("%s", names)
              .isEqualTo(partial.merge(current, values));
          lists++;
        }
      }
    }
    assertThat(lists).isEqualTo(336);
    assertThat(patcher.cached()).isEqualTo(PartialRows.MAX_CACHED);
  }

  @Test
  void aKeptProjectionDoesNotDependOnThePatchItCameFrom() {
    RowPatcher patcher = new RowPatcher(SCHEMA);
    PartialRow ab = new PartialRow(SCHEMA, List.of("a", "b"));
    PartialRow c = new PartialRow(SCHEMA, List.of("c"));
    Row current = new Row("k", 1L, "b", new byte[] {1});
    byte[] first = ab.patch(ab.encode(new Object[] {2L, "x"}));
    patcher.apply(ROWS.encode(current), first);
    // The caller reuses its buffer for another patch (a WAL reader's, say).
    byte[] other = c.patch(c.encode(new Object[] {new byte[] {9}}));
    System.arraycopy(other, 0, first, 0, Math.min(other.length, first.length));

    byte[] values = ab.encode(new Object[] {3L, null});
    byte[] patched = patcher.apply(ROWS.encode(current), ab.patch(values));

    assertThat(ROWS.decode(patched)).isEqualTo(ab.merge(current, values));
    assertThat(patcher.cached()).isEqualTo(1);
  }

  @Test
  void aMalformedPatchIsAFormatErrorNamingWhatIsWrong() {
    RowPatcher patcher = new RowPatcher(SCHEMA);
    byte[] row = ROWS.encode(new Row("k", 1L, "b", new byte[0]));
    Object[][] cases = {
      {new byte[] {1}, "no column count"},
      {new byte[] {0, 0}, "cannot hold 0 column indexes"},
      {new byte[] {2, 0, 1, 0}, "cannot hold 2 column indexes"},
      {new byte[] {1, 0, 9, 0, 0}, "names column 9 of a schema of 4"},
      {new byte[] {1, 0, 0, 0, 0}, "primary-key column"},
    };
    for (Object[] c : cases) {
      assertThatThrownBy(() -> patcher.apply(row, (byte[]) c[0]))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining((String) c[1]);
    }
  }
}
