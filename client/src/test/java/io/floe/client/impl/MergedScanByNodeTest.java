package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.client.KeyRange;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A table-wide scan asks each node once for the partitions it leads (SCAN_MERGED, merged by the
 * node), for no more rows than the scan's limit; when a node refuses that (a node that does not
 * know it, or a leader that moved), the scan is done again partition by partition.
 */
@Timeout(60)
class MergedScanByNodeTest {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true)),
          List.of("id"));
  private static final KeyCodec KEYS = new KeyCodec(SCHEMA);
  private static final RowCodec ROWS = new RowCodec(SCHEMA);
  private static final int PARTITIONS = 4;

  /** Every row by encoded key, with its partition. */
  private final NavigableMap<byte[], Integer> partitionOf = new TreeMap<>(KeyCodec::compare);

  private FakeNode node;
  private FloeClient client;

  @AfterEach
  void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    node.close();
  }

  private FloeTable tableOnOneNode(boolean knowsMergedScans) throws IOException {
    for (long id = 0; id < 200; id++) {
      byte[] key = KEYS.encodeKey(id);
      partitionOf.put(key, PartitionHasher.partition(key, PARTITIONS));
    }
    node = new FakeNode(answers(knowsMergedScans));
    client = FloeClient.connect(ClientConfig.of(node.endpoint()));
    return client.table("db.t");
  }

  private Function<Request, Response> answers(boolean knowsMergedScans) {
    return r -> {
      if (r instanceof Request.DescribeTable) {
        return new Response.TableDescription(
            SchemaParser.toJson(SCHEMA),
            Durability.MEMORY,
            Collections.nCopies(PARTITIONS, node.endpoint()));
      }
      if (r instanceof Request.Ping) {
        return new Response.Ack();
      }
      if (r instanceof Request.ScanMerged s) {
        return knowsMergedScans
            ? page(s.partitions(), s.limit(), s.continuation())
            : new Response.Error(ErrorCode.MALFORMED_REQUEST, "unknown opcode 0x24", "");
      }
      if (r instanceof Request.Scan s) {
        return page(List.of(s.partition()), s.limit(), s.continuation());
      }
      return new Response.Error(ErrorCode.MALFORMED_REQUEST, "not in this test: " + r, "");
    };
  }

  /** A page of the rows of {@code pids} after {@code continuation} (the last key returned). */
  private Response.Scanned page(List<Integer> pids, int limit, byte[] continuation) {
    Map<byte[], Integer> rest =
        continuation == null ? partitionOf : partitionOf.tailMap(continuation, false);
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> rows = new ArrayList<>();
    boolean more = false;
    for (Map.Entry<byte[], Integer> e : rest.entrySet()) {
      if (!pids.contains(e.getValue())) {
        continue;
      }
      if (keys.size() == limit) {
        more = true;
        break;
      }
      keys.add(e.getKey());
      long id = (long) KEYS.decode(e.getKey())[0];
      rows.add(ROWS.encode(new Row(id, "row-" + id)));
    }
    return new Response.Scanned(keys, rows, more ? keys.get(keys.size() - 1) : null);
  }

  private static List<Row> firstRows(int count) {
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < count; id++) {
      rows.add(new Row(id, "row-" + id));
    }
    return rows;
  }

  @Test
  void aNodeLeadingEveryPartitionIsAskedOnceForExactlyTheLimit() throws IOException {
    FloeTable table = tableOnOneNode(true);

    assertThat(table.scan(KeyRange.all(), 50)).isEqualTo(firstRows(50));

    List<Request> scans =
        node.received.stream()
            .filter(r -> r instanceof Request.ScanMerged || r instanceof Request.Scan)
            .toList();
    assertThat(scans).hasSize(1);
    Request.ScanMerged merged = (Request.ScanMerged) scans.get(0);
    assertThat(merged.partitions()).containsExactly(0, 1, 2, 3);
    assertThat(merged.limit()).isEqualTo(50);
  }

  @Test
  void aNodeThatRefusesMergedScansIsScannedPartitionByPartition() throws IOException {
    FloeTable table = tableOnOneNode(false);

    assertThat(table.scan(KeyRange.all(), 50)).isEqualTo(firstRows(50));
    assertThat(table.scan(KeyRange.all(), 500)).isEqualTo(firstRows(200));

    assertThat(node.received).anyMatch(r -> r instanceof Request.ScanMerged);
    assertThat(node.received.stream().filter(r -> r instanceof Request.Scan).count())
        .isGreaterThanOrEqualTo(2L * PARTITIONS);
  }
}
