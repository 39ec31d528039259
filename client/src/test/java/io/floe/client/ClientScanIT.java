package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Table-wide scans against a real node, whose pages hold at most 10,000 rows: every answer is
 * checked against a reference model of what was written, across page and partition boundaries.
 */
@Timeout(180)
class ClientScanIT {
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true)),
          List.of("id"));
  static final KeyCodec KEYS = new KeyCodec(SCHEMA);
  static final int PAGE = 10_000; // the node's largest page (data-protocol.md §4.2)

  private final List<AutoCloseable> open = new ArrayList<>();
  private final NavigableMap<byte[], Row> model = new TreeMap<>(KeyCodec::compare);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private FloeTable tableWith(int partitions, int rows) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(512L << 20));
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    FloeClient client = FloeClient.connect(ClientConfig.of(node.endpoint()));
    open.add(client);
    client.createTable("db.scan", 9, SCHEMA, partitions, Durability.MEMORY);
    FloeTable table = client.table("db.scan");
    // even ids only, so that ranges can start and end between rows
    List<CompletableFuture<long[]>> writes = new ArrayList<>();
    List<Row> batch = new ArrayList<>();
    for (long id = 0; id < 2L * rows; id += 2) {
      Row row = new Row(id, "row-" + id);
      model.put(KEYS.encode(row), row);
      batch.add(row);
      if (batch.size() == 1_000) {
        writes.add(table.putAllAsync(batch));
        batch = new ArrayList<>();
      }
    }
    writes.add(table.putAllAsync(batch));
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    return table;
  }

  /** What a scan must answer: the model's first {@code limit} rows in the range. */
  private List<Row> expected(KeyRange range, int limit) {
    byte[] start = range.start() == null ? null : KEYS.encodeKey(range.start());
    byte[] end = range.end() == null ? null : KEYS.encodeKey(range.end());
    return model.entrySet().stream()
        .filter(e -> start == null || above(e.getKey(), start, range.startInclusive()))
        .filter(e -> end == null || above(end, e.getKey(), range.endInclusive()))
        .limit(limit)
        .map(Map.Entry::getValue)
        .toList();
  }

  private static boolean above(byte[] key, byte[] bound, boolean inclusive) {
    int order = KeyCodec.compare(key, bound);
    return order > 0 || (inclusive && order == 0);
  }

  private void assertScansMatchTheModel(FloeTable table, List<KeyRange> ranges) {
    int all = model.size();
    for (KeyRange range : ranges) {
      for (int limit : new int[] {1, 7, PAGE - 1, PAGE, PAGE + 1, 12_000, all, all + 1}) {
        List<Row> want = expected(range, limit);
        List<Row> got = table.scan(range, limit);
        assertThat(got)
            .as("scan of %s with limit %d", describe(range), limit)
            .hasSize(want.size())
            .isEqualTo(want);
      }
    }
  }

  private static String describe(KeyRange r) {
    return (r.startInclusive() ? "[" : "(")
        + (r.start() == null ? "-inf" : r.start()[0])
        + ", "
        + (r.end() == null ? "+inf" : r.end()[0])
        + (r.endInclusive() ? "]" : ")");
  }

  private static KeyRange range(Long start, boolean startIn, Long end, boolean endIn) {
    return new KeyRange(
        start == null ? null : new Object[] {start},
        startIn,
        end == null ? null : new Object[] {end},
        endIn);
  }

  /** Ranges whose bounds fall on rows and between rows, open and closed, and empty ones. */
  private static List<KeyRange> ranges() {
    return List.of(
        KeyRange.all(),
        range(100L, true, null, false),
        range(100L, false, 30_000L, true),
        range(101L, true, 30_001L, false),
        range(4_000L, true, 4_000L, true), // one row
        range(4_000L, false, 4_000L, true), // empty: an excluded single key
        range(4_001L, true, 4_001L, true), // empty: no row there
        range(9_000L, true, 100L, true)); // empty: start above end
  }

  @Test
  void onePartitionScansFollowContinuationsPastTheNodesPageCap() {
    FloeTable table = tableWith(1, 25_000);
    // the case of the report: 15,000 rows, limit 12,000 gave 10,000
    assertThat(table.scan(KeyRange.of(new Object[] {0L}, new Object[] {30_000L}), 12_000))
        .hasSize(12_000)
        .isEqualTo(expected(KeyRange.of(new Object[] {0L}, new Object[] {30_000L}), 12_000));
    assertScansMatchTheModel(table, ranges());
  }

  @Test
  void severalPartitionsMergeInKeyOrderWithoutGaps() {
    FloeTable table = tableWith(3, 50_000);
    // the case of the report: limit 20,000 gave 20,000 rows with keys missing below the last one
    assertThat(table.scan(KeyRange.all(), 20_000))
        .hasSize(20_000)
        .isEqualTo(expected(KeyRange.all(), 20_000));
    assertScansMatchTheModel(table, ranges());
  }

  @Test
  void twoPartitionsMergeInKeyOrderWithoutGaps() {
    FloeTable table = tableWith(2, 50_000);
    List<Row> got = table.scan(KeyRange.all(), 20_000);
    assertThat(got).hasSize(20_000).isEqualTo(expected(KeyRange.all(), 20_000));
    assertThat(table.scan(KeyRange.all(), 50_001)).isEqualTo(expected(KeyRange.all(), 50_001));
  }
}
