package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.PipelinedConnection;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "done when" of node durability: a node as a separate JVM writes with {@code durability=s3} to
 * S3 (S3Proxy over HTTP), is killed with {@code kill -9}, restarts with an empty memory and serves
 * exactly what it acknowledged; a flipped byte in a WAL object stops the load naming it.
 */
@Timeout(240)
class KillNineRecoveryIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  static final String TABLE = "db.durable";
  static final long TID = 42;
  static final int PARTITIONS = 4;
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final RowCodec ROWS = IdNameTable.ROWS;
  static final KeyCodec KEYS = IdNameTable.KEYS;

  Map<String, String> settings(String snapshotWalBytes) {
    Map<String, String> s = S3.settings();
    s.put("node.id", "n1");
    s.put("node.memory-limit-bytes", Long.toString(768L << 20));
    s.put("snapshot.wal-bytes", snapshotWalBytes);
    return s;
  }

  ObjectStore store() {
    Map<String, String> s = settings("1");
    s.keySet().removeIf(k -> !k.startsWith("s3."));
    return new S3ObjectStore(
        ObjectStoreConfig.fromProperties(s).forCluster(ClusterSettings.CLUSTER_DEFAULT));
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
    roundTrip(1_000_000, Long.toString(1L << 40), false);
  }

  @Test
  void snapshotsTakenWhileWritingKeepEveryAcknowledgedWrite() throws Exception {
    roundTrip(200_000, Long.toString(1L << 20), true);
  }

  private void roundTrip(int writes, String snapshotWalBytes, boolean expectSnapshots)
      throws Exception {
    try (NodeProcess node = new NodeProcess(settings(snapshotWalBytes)).start()) {
      Map<Long, String> expected = new HashMap<>();
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        createAndAwait(c, PartitionState.NORMAL);
        long started = System.nanoTime();
        if (expectSnapshots) {
          // Half the writes, a snapshot cut in the middle of the history, then the other half on
          // top of it: recovery must combine the snapshot with the WAL written after its offset.
          write(c, 0, writes / 2, writes, expected);
          await().atMost(Duration.ofSeconds(60)).until(() -> snapshotCount() > 0);
          write(c, writes / 2, writes, writes, expected);
        } else {
          write(c, 0, writes, writes, expected);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
            "[durability-it] %d writes acknowledged with durability=s3 in %.1f s: %.0f writes/s%n",
            writes, seconds, writes / seconds);
      }
      node.kill();
      long restarted = System.nanoTime();
      node.start();
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        createAndAwait(c, PartitionState.NORMAL);
        System.out.printf(
            "[durability-it] restart and reload of %d live rows: %.1f s%n",
            expected.size(), (System.nanoTime() - restarted) / 1e9);
        assertThat(scanAll(c)).isEqualTo(expected);
      }
    }
  }

  @Test
  void aFlippedByteInAWalObjectStopsTheLoadNamingTheObject() throws Exception {
    try (NodeProcess node = new NodeProcess(settings(Long.toString(1L << 40))).start()) {
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        createAndAwait(c, PartitionState.NORMAL);
        write(c, 2_000);
      }
      node.kill();
      String key = "wal/n1/1/00000000000000000001.wal";
      try (ObjectStore store = store()) {
        byte[] bytes = store.get(key);
        bytes[12] ^= 0x01;
        store.put(key, bytes);
      }
      node.start();
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        // CREATE_TABLE answers once every partition serves: here, with the one that cannot load.
        Response created =
            c.call(
                new Request.CreateTable(
                    TABLE, TID, SchemaParser.toJson(SCHEMA), PARTITIONS, Durability.S3));
        assertThat(created).isInstanceOf(Response.Error.class);
        assertThat(((Response.Error) created).message()).contains("partition").contains(key);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> statuses(c).stream().noneMatch(s -> s.state() == PartitionState.LOADING));
        List<PartitionStatus> offline =
            statuses(c).stream().filter(s -> s.state() == PartitionState.OFFLINE).toList();
        assertThat(offline).isNotEmpty();
        for (PartitionStatus s : offline) {
          assertThat(s.rowCount()).isZero();
          Response scan =
              c.call(new Request.Scan(TABLE, s.partition(), null, true, null, true, 10, null));
          assertThat(scan).isInstanceOf(Response.Error.class);
          assertThat(((Response.Error) scan).message()).contains(key).contains("corrupt");
        }
      }
    }
  }

  private static void create(PipelinedConnection c) throws Exception {
    Response r =
        c.call(
            new Request.CreateTable(
                TABLE, TID, SchemaParser.toJson(SCHEMA), PARTITIONS, Durability.S3));
    assertThat(r).isInstanceOf(Response.Ack.class);
  }

  private static void createAndAwait(PipelinedConnection c, PartitionState state) throws Exception {
    create(c);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> statuses(c).stream().allMatch(s -> s.state() == state));
  }

  private static List<PartitionStatus> statuses(PipelinedConnection c) throws Exception {
    return ((Response.Statuses) c.call(new Request.TableStatus(TABLE, -1))).partitions();
  }

  /** Mixed puts and deletes in batches of 1,000; returns the state they acknowledge. */
  private long snapshotCount() {
    try (ObjectStore store = store();
        var objects = store.list("tables/" + TID + "/partitions/")) {
      return objects.filter(o -> o.key().contains("/snapshots/")).count();
    }
  }

  private static Map<Long, String> write(PipelinedConnection c, int writes) throws Exception {
    Map<Long, String> expected = new HashMap<>();
    write(c, 0, writes, writes, expected);
    return expected;
  }

  /** Writes numbers {@code from..to-1} of a run of {@code total}, recording what must survive. */
  private static void write(
      PipelinedConnection c, int from, int to, int total, Map<Long, String> expected)
      throws Exception {
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    List<Request.Write> batch = new ArrayList<>();
    long keys = Math.max(1, total / 3);
    for (int i = from; i < to; i++) {
      long id = (i * 7919L) % keys;
      if (i % 7 == 3) {
        batch.add(Request.Write.delete(KEYS.encodeKey(id)));
        expected.remove(id);
      } else {
        String name = "v" + i;
        batch.add(Request.Write.put(ROWS.encode(new Row(id, name))));
        expected.put(id, name);
      }
      if (batch.size() == 1000 || i == to - 1) {
        acks.add(c.send(new Request.BatchWrite(TABLE, batch)));
        batch = new ArrayList<>();
      }
    }
    c.flush();
    for (CompletableFuture<Response> ack : acks) {
      assertThat(ack.get(60, TimeUnit.SECONDS)).isInstanceOf(Response.BatchWritten.class);
    }
  }

  private static Map<Long, String> scanAll(PipelinedConnection c) throws Exception {
    Map<Long, String> found = new HashMap<>();
    for (int pid = 0; pid < PARTITIONS; pid++) {
      byte[] continuation = null;
      do {
        Response r =
            c.call(new Request.Scan(TABLE, pid, null, true, null, true, 10_000, continuation));
        assertThat(r).isInstanceOf(Response.Scanned.class);
        Response.Scanned page = (Response.Scanned) r;
        for (byte[] row : page.rows()) {
          Row decoded = ROWS.decode(row);
          assertThat(found.put((Long) decoded.get(0), (String) decoded.get(1))).isNull();
        }
        continuation = page.continuation();
      } while (continuation != null);
    }
    return found;
  }

  static String describe(Map<Long, String> m) {
    return m.entrySet().stream().limit(5).map(Object::toString).collect(Collectors.joining(","));
  }
}
