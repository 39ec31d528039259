package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Response;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The merge against fake partitions that page like a node, checked against a reference model. */
class MergedScanTest {
  static final KeyCodec KEYS =
      new KeyCodec(
          new Schema(1, List.of(new Column("id", ColumnType.INT64, false)), List.of("id")));

  /** A partition as a node serves it: pages capped at {@code cap} rows, full pages continue. */
  static final class FakePartition implements PartitionPages {
    final NavigableMap<byte[], byte[]> rows = new TreeMap<>(KeyCodec::compare);
    final int cap;
    int rowsServed;
    int pagesServed;
    int largestAsk;

    FakePartition(int cap) {
      this.cap = cap;
    }

    @Override
    public CompletableFuture<Response.Scanned> fetch(byte[] continuation, int limit) {
      assertThat(limit).as("page limit").isPositive();
      largestAsk = Math.max(largestAsk, limit);
      int size = Math.min(limit, cap);
      NavigableMap<byte[], byte[]> rest =
          continuation == null ? rows : rows.tailMap(continuation, false);
      List<byte[]> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (var e : rest.entrySet()) {
        if (keys.size() == size) {
          break;
        }
        keys.add(e.getKey());
        values.add(e.getValue());
      }
      rowsServed += keys.size();
      pagesServed++;
      byte[] next = keys.size() < size ? null : keys.get(keys.size() - 1);
      return CompletableFuture.completedFuture(new Response.Scanned(keys, values, next));
    }
  }

  private final NavigableMap<byte[], byte[]> model = new TreeMap<>(KeyCodec::compare);

  private List<FakePartition> table(int partitions, int rows, int cap, long seed) {
    List<FakePartition> fakes = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      fakes.add(new FakePartition(cap));
    }
    Random random = new Random(seed);
    while (model.size() < rows) {
      byte[] key = KEYS.encodeKey(random.nextLong());
      byte[] row = ("row of " + model.size()).getBytes();
      model.put(key, row);
      fakes.get(PartitionHasher.partition(key, partitions)).rows.put(key, row);
    }
    return fakes;
  }

  private List<byte[]> expected(int limit) {
    return model.values().stream().limit(limit).toList();
  }

  @Test
  void returnsExactlyTheFirstRowsInKeyOrderAcrossPageAndPartitionBoundaries() {
    int cap = 10;
    for (int partitions : new int[] {1, 2, 5}) {
      for (int rows : new int[] {0, 1, cap, cap + 1, 97, 1_000}) {
        for (int limit :
            new int[] {1, 2, cap - 1, cap, cap + 1, 3 * cap, rows, rows + 1, 1 << 30}) {
          if (limit < 1) {
            continue;
          }
          model.clear();
          List<FakePartition> fakes = table(partitions, rows, cap, 31L * rows + partitions);
          MergedScan scan = new MergedScan(List.copyOf(fakes), cap);

          List<byte[]> got = scan.first(limit);

          String what = partitions + " partitions, " + rows + " rows, limit " + limit;
          assertThat(got).as(what).containsExactlyElementsOf(expected(limit));
          int served = fakes.stream().mapToInt(f -> f.rowsServed).sum();
          int pageRows = scan.pageRows(limit, partitions);
          // at most one page per partition fetched and not (wholly) used
          assertThat(served).as(what).isLessThanOrEqualTo(got.size() + partitions * pageRows);
          assertThat(fakes).allSatisfy(f -> assertThat(f.largestAsk).isLessThanOrEqualTo(limit));
        }
      }
    }
  }

  @Test
  void asksEachPartitionForAboutItsShareNotTheWholeLimit() {
    List<FakePartition> fakes = table(8, 100_000, 10_000, 7);
    MergedScan scan = new MergedScan(List.copyOf(fakes), 10_000);

    assertThat(scan.first(20_000)).containsExactlyElementsOf(expected(20_000));

    int served = fakes.stream().mapToInt(f -> f.rowsServed).sum();
    // partitions × limit would be 160,000 rows
    assertThat(served).isLessThan(30_000);
    assertThat(fakes).allSatisfy(f -> assertThat(f.largestAsk).isEqualTo(2_601));
  }

  /** YCSB's workload E: short scans over 8 partitions read about the rows they return. */
  @Test
  void aShortScanReadsAboutTheRowsItReturns() {
    int served = 0;
    int roundTrips = 0;
    for (long seed = 1; seed <= 50; seed++) {
      model.clear();
      List<FakePartition> fakes = table(8, 20_000, 10_000, seed);
      MergedScan scan = new MergedScan(List.copyOf(fakes), 10_000);
      assertThat(scan.first(100)).containsExactlyElementsOf(expected(100));
      served += fakes.stream().mapToInt(f -> f.rowsServed).sum();
      roundTrips += fakes.stream().mapToInt(f -> f.pagesServed).sum();
    }
    // 8 pages of 21 rows per scan at most on the first round; 64-row pages read 512
    assertThat(served / 50).isLessThanOrEqualTo(200);
    assertThat(roundTrips / 50.0).isLessThan(8.5);
  }

  @Test
  void aPageThatFailsFailsTheScanWithItsError() {
    List<PartitionPages> partitions =
        List.of(
            new FakePartition(10),
            (continuation, limit) ->
                CompletableFuture.failedFuture(
                    new FloeRequestException(
                        ErrorCode.PARTITION_NOT_FOUND, "partition 1 offline")));

    assertThatThrownBy(() -> new MergedScan(partitions, 10).first(5))
        .isInstanceOf(FloeRequestException.class)
        .hasMessageContaining("partition 1 offline");
  }

  @Test
  void refusesANonPositiveLimitAndAnEndlessEmptyPage() {
    assertThatThrownBy(() -> new MergedScan(List.of(new FakePartition(3)), 3).first(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    PartitionPages broken =
        (continuation, limit) ->
            CompletableFuture.completedFuture(
                new Response.Scanned(List.of(), List.of(), new byte[] {1}));
    assertThatThrownBy(() -> new MergedScan(List.of(broken), 3).first(5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("empty scan page with a continuation");
  }
}
