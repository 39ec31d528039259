package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaViolationException;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real client against real data nodes on loopback ports. */
@Timeout(120)
class ClientNodeIT {
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("score", ColumnType.FLOAT64, true)),
          List.of("id"));

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private DataNode node(long memoryLimit) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(memoryLimit));
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private FloeClient client(ClientConfig config) {
    FloeClient client = FloeClient.connect(config);
    open.add(client);
    return client;
  }

  private FloeTable table(DataNode node, FloeClient client, int partitions) {
    client.createTable("db.users", 7, SCHEMA, partitions, Durability.MEMORY);
    return client.table("db.users");
  }

  @Test
  void putGetDeleteScanAndBatchAcrossPartitions() {
    DataNode node = node(256L << 20);
    FloeClient client = client(ClientConfig.of(node.endpoint()));
    FloeTable users = table(node, client, 4);
    assertThat(users.partitions()).isEqualTo(4);

    for (long id = 0; id < 200; id++) {
      users.put(new Row(id, "user-" + id, id * 1.5));
    }
    assertThat(users.get(42L)).isEqualTo(new Row(42L, "user-42", 63.0));
    assertThat(users.get(4242L)).isNull();
    users.put(new Row(42L, null, null));
    assertThat(users.get(42L)).isEqualTo(new Row(42L, null, null));
    users.delete(42L);
    assertThat(users.get(42L)).isNull();

    long[] offsets =
        users.putAll(
            List.of(new Row(1000L, "a", 1.0), new Row(1001L, "b", 2.0), new Row(1002L, "c", 3.0)));
    assertThat(offsets).hasSize(3).doesNotContain(0L);
    assertThat(users.multiGet(List.of(new Object[] {1001L}, new Object[] {42L}, new Object[] {7L})))
        .containsExactly(new Row(1001L, "b", 2.0), null, new Row(7L, "user-7", 10.5));

    List<Row> range = users.scan(KeyRange.of(new Object[] {10L}, new Object[] {20L}), 100);
    assertThat(range)
        .extracting(r -> r.get(0))
        .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    assertThat(users.scan(KeyRange.all(), 5))
        .extracting(r -> r.get(0))
        .containsExactly(0L, 1L, 2L, 3L, 4L);

    int pid = PartitionHasher.partition(new io.floe.core.table.KeyCodec(SCHEMA).encodeKey(5L), 4);
    List<Row> paged = new ArrayList<>();
    byte[] token = null;
    do {
      ScanPage page = users.scanPartition(pid, KeyRange.all(), 7, token);
      paged.addAll(page.rows());
      token = page.continuation();
    } while (token != null);
    long expected =
        users.status().stream()
            .filter(s -> s.partition() == pid)
            .findFirst()
            .orElseThrow()
            .rowCount();
    assertThat(paged).hasSize((int) expected);

    List<PartitionStatus> status = users.status();
    assertThat(status).hasSize(4);
    assertThat(status.stream().mapToLong(PartitionStatus::rowCount).sum()).isEqualTo(199 + 3);
    assertThat(status).allSatisfy(s -> assertThat(s.role()).isEqualTo(PartitionRole.LEADER));
  }

  @Test
  void manyRequestsInFlightOnOneConnection() {
    DataNode node = node(512L << 20);
    FloeClient client = client(ClientConfig.of(node.endpoint()));
    FloeTable users = table(node, client, 8);
    int n = 50_000;
    List<CompletableFuture<Long>> puts = new ArrayList<>(n);
    for (long id = 0; id < n; id++) {
      puts.add(users.putAsync(new Row(id, "v" + id, null)));
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
    List<CompletableFuture<Row>> gets = new ArrayList<>(n);
    for (long id = 0; id < n; id++) {
      gets.add(users.getAsync(id));
    }
    for (int i = 0; i < n; i++) {
      assertThat(gets.get(i).join().get(1)).isEqualTo("v" + i);
    }
    assertThat(users.status().stream().mapToLong(PartitionStatus::offset).sum()).isEqualTo(n);
  }

  @Test
  void badRowsFailOnTheClientAndNodeErrorsAreTyped() {
    DataNode node = node(256L << 20);
    FloeClient client = client(ClientConfig.of(node.endpoint()));
    FloeTable users = table(node, client, 2);
    assertThatThrownBy(() -> users.put(new Row("not-a-long", "x", null)))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("id");
    assertThatThrownBy(() -> client.table("db.missing"))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND));
  }

  @Test
  void overTheMemoryLimitWritesFailAndReadsWork() {
    DataNode node = node(200_000);
    // a full node refuses until the deadline: keep it short so the refusal shows soon
    FloeClient client =
        client(ClientConfig.of(node.endpoint()).withRequestTimeout(Duration.ofMillis(300)));
    FloeTable users = table(node, client, 2);
    users.put(new Row(1L, "first", null));
    assertThatThrownBy(() -> fill(users))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MEMORY_LIMIT));
    assertThat(users.get(1L)).isEqualTo(new Row(1L, "first", null));
    users.delete(1L);
    assertThat(users.get(1L)).isNull();
  }

  private static long fill(FloeTable users) {
    long id = 2;
    while (true) {
      users.put(new Row(id++, "x".repeat(100), null));
    }
  }

  @Test
  void aWriteRefusedForMemoryIsRetriedWithBackOffUntilSpaceIsFreed() {
    DataNode node = node(200_000);
    FloeClient quick =
        client(ClientConfig.of(node.endpoint()).withRequestTimeout(Duration.ofMillis(300)));
    FloeTable users = table(node, quick, 1);
    long[] filledUpTo = new long[1];
    assertThatThrownBy(
            () -> {
              for (filledUpTo[0] = 0; ; filledUpTo[0]++) {
                users.put(new Row(filledUpTo[0], "x".repeat(100), null));
              }
            })
        .isInstanceOf(FloeRequestException.class);
    FloeTable patient =
        client(ClientConfig.of(node.endpoint()).withRequestTimeout(Duration.ofSeconds(20)))
            .table("db.users");

    CompletableFuture<Long> waiting =
        patient.putAsync(new Row(-1L, "waits for room".repeat(20), null));
    // refused for memory and still retrying, where it used to fail at once
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !waiting.isDone());
    for (long id = 0; id < filledUpTo[0] / 2; id++) {
      users.delete(id);
    }

    assertThat(Blocking.join(waiting)).isPositive();
    assertThat(users.get(-1L)).isEqualTo(new Row(-1L, "waits for room".repeat(20), null));
  }

  @Test
  void aWriteRefusedWithNotLeaderFollowsTheNamedLeader() {
    DataNode a = node(256L << 20);
    DataNode b = node(256L << 20);
    FloeClient client = client(ClientConfig.of(a.endpoint()));
    client.createTable(b.endpoint(), "db.users", 7, SCHEMA, 1, Durability.MEMORY);
    FloeTable users = table(a, client, 1);
    users.put(new Row(1L, "on-a", null));
    // Leadership moves to B in term 2; the client still routes to A.
    a.tables().get("db.users").partition(0).becomeFollower(2, b.endpoint());
    b.tables().get("db.users").partition(0).becomeLeader(2);
    users.put(new Row(2L, "on-b", null));
    assertThat(b.tables().get("db.users").partition(0).status().offset()).isEqualTo(1);
    assertThat(users.get(2L)).isEqualTo(new Row(2L, "on-b", null));
  }

  @Test
  void aNodeThatNeverAnswersTimesOutInBoundedTime() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      String endpoint = "127.0.0.1:" + silent.getLocalPort();
      FloeClient client =
          client(ClientConfig.of(endpoint).withRequestTimeout(Duration.ofMillis(300)));
      long start = System.nanoTime();
      assertThatThrownBy(() -> Blocking.join(client.pingAsync(endpoint)))
          .isInstanceOf(FloeTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
