package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialRowsTest {
  private static final Schema SCHEMA = schema(10);

  private static Schema schema(int fields) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("id", ColumnType.INT64, false));
    for (int i = 0; i < fields; i++) {
      columns.add(new Column("f" + i, ColumnType.INT32, true));
    }
    return new Schema(1, columns, List.of("id"));
  }

  @Test
  void aColumnListIsBuiltOnceWhateverListCarriesIt() {
    PartialRows rows = new PartialRows(SCHEMA);
    PartialRow first = rows.of(new ArrayList<>(List.of("f1", "f3")));
    assertThat(rows.of(List.of("f1", "f3"))).isSameAs(first);
    assertThat(rows.cached()).isEqualTo(1);
    // The order named is the order encoded: another list, another projection.
    PartialRow swapped = rows.of(List.of("f3", "f1"));
    assertThat(swapped).isNotSameAs(first);
    assertThat(swapped.merge(null, swapped.encode(3, 1)))
        .isEqualTo(first.merge(null, first.encode(1, 3)));
  }

  @Test
  void aListTheSchemaRefusesIsRefusedEveryTimeAndNotKept() {
    PartialRows rows = new PartialRows(SCHEMA);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> rows.of(List.of("f1", "nope")))
          .isInstanceOf(SchemaViolationException.class)
          .hasMessageContaining("'nope'");
      assertThatThrownBy(() -> rows.of(List.of("id"))).hasMessageContaining("primary-key");
    }
    assertThat(rows.cached()).isZero();
  }

  @Test
  void pastTheBoundListsAreBuiltPerCallAndStillRight() {
    PartialRows rows = new PartialRows(SCHEMA);
    int asked = 0;
    for (int a = 0; a < 10; a++) {
      for (int b = 0; b < 10; b++) {
        for (int c = 0; c < 10; c++) {
          if (a == b || b == c || a == c) {
            continue;
          }
          PartialRow partial = rows.of(List.of("f" + a, "f" + b, "f" + c));
          Row merged =
              partial.merge(new Row(7L, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), partial.encode(a, b, c));
          assertThat(merged.get(1 + a)).isEqualTo(a);
          assertThat(merged.get(1 + b)).isEqualTo(b);
          assertThat(merged.get(1 + c)).isEqualTo(c);
          assertThat(merged.get(0)).isEqualTo(7L);
          asked++;
        }
      }
    }
    assertThat(asked).isEqualTo(720);
    assertThat(rows.cached()).isEqualTo(PartialRows.MAX_CACHED);
    // A kept list is still the kept one.
    assertThat(rows.of(List.of("f0", "f1", "f2"))).isSameAs(rows.of(List.of("f0", "f1", "f2")));
  }

  @Test
  void threadsAskingTheSameListsGetOneProjectionEach() throws Exception {
    PartialRows rows = new PartialRows(SCHEMA);
    List<Thread> threads = new ArrayList<>();
    List<PartialRow> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 1_000; i++) {
                  seen.add(rows.of(List.of("f" + (i % 4))));
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(rows.cached()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      PartialRow kept = rows.of(List.of("f" + i));
      assertThat(seen.stream().filter(p -> p.names().equals(kept.names())))
          .allMatch(p -> p == kept);
    }
  }
}
