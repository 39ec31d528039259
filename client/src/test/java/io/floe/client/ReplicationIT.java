package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.Response.Prepared;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.AssignmentAdmin;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.table.HostedTable;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three data nodes (in this JVM, real sockets between them), a real etcd and S3 over HTTP: a table
 * of three replicas per partition, its leaders moved by writing assignments the way the control
 * plane will, after preparing the new term on the replicas (replication.md §7).
 */
@Timeout(120)
class ReplicationIT {
  private static final String CLUSTER = "repl-it";

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private final List<AutoCloseable> open = new ArrayList<>();
  private final Map<String, DataNode> nodes = new HashMap<>();
  private MetaStore store;
  private AssignmentAdmin admin;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    admin = new AssignmentAdmin(store, CLUSTER);
    for (String id : List.of("a", "b", "c")) {
      nodes.put(id, node(id));
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // already closed by the test
      }
    }
    store.close();
  }

  private DataNode node(String id) {
    Properties props = new Properties();
    props.putAll(S3.settings());
    props.setProperty(NodeConfig.NODE_ID, id);
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, "4s");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "200ms");
    props.setProperty("wal.flush-interval", "20ms");
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private static CatalogTable table(long tid, String name, int partitions, Durability mode) {
    String[] parts = name.split("\\.");
    return new CatalogTable(
        tid,
        parts[0],
        parts[1],
        ClientNodeIT.SCHEMA,
        partitions,
        3,
        mode,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  private static Partition replica(DataNode node, String table, int pid) {
    for (HostedTable t : node.tables().all()) {
      if (t.name().equals(table)) {
        return t.partitionOrNull(pid);
      }
    }
    return null;
  }

  private boolean allServe(String table, int partitions, long term) {
    for (int pid = 0; pid < partitions; pid++) {
      int leaders = 0;
      int followers = 0;
      for (DataNode n : nodes.values()) {
        Partition p = replica(n, table, pid);
        if (p == null || p.role().term() != term) {
          return false;
        }
        String state = p.role().replicaState();
        leaders += state.equals("leading") && p.role().writable() ? 1 : 0;
        followers += state.equals("following") ? 1 : 0;
      }
      if (leaders != 1 || followers != 2) {
        return false;
      }
    }
    return true;
  }

  /** Waits until {@link #allServe}; says where every replica stands if it does not happen. */
  private void awaitServing(String table, int partitions, long term) {
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> allServe(table, partitions, term));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder where = new StringBuilder();
      for (int pid = 0; pid < partitions; pid++) {
        for (DataNode n : nodes.values()) {
          Partition p = replica(n, table, pid);
          where.append(
              p == null
                  ? String.format("%n  %s/%d: none", n.nodeId(), pid)
                  : String.format(
                      "%n  %s/%d: term %d %s %s offset %d writable %s %s",
                      n.nodeId(),
                      pid,
                      p.role().term(),
                      p.role().role(),
                      p.role().replicaState(),
                      p.offset(),
                      p.role().writable(),
                      p.role().offlineReason()));
        }
      }
      throw new AssertionError(
          "replicas of " + table + " not serving in term " + term + ":" + where, e);
    }
  }

  private static Row row(long id, String name) {
    return new Row(id, name, (double) id);
  }

  @Test
  void followersApplyEveryWriteOfTheLeaderInOrder() {
    admin.createTable(table(31, "repl.items", 4, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.items", 4, 1);

    FloeClient client = FloeClient.connect(ClientConfig.of(nodes.get("a").endpoint()));
    open.add(client);
    FloeTable items = client.table("repl.items");
    for (long id = 0; id < 2_000; id++) {
      items.put(row(id, "v" + id));
    }
    for (long id = 0; id < 2_000; id += 3) {
      items.delete(id);
    }
    // Acknowledged in replicated mode: a majority holds each; soon all three do, identically.
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    for (int pid = 0; pid < 4; pid++) {
      int p = pid;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  nodes.values().stream()
                          .map(n -> replica(n, "repl.items", p).offset())
                          .distinct()
                          .count()
                      == 1);
    }
    // Follower reads: a client whose only seed is c reads every row from c's replicas, which
    // answer from what they applied (c follows three of the four partitions).
    FloeClient atC = FloeClient.connect(ClientConfig.of(nodes.get("c").endpoint()));
    open.add(atC);
    FloeTable fromFollowers = atC.table("repl.items").readFrom(ReadFrom.FOLLOWER);
    for (long id = 0; id < 2_000; id += 7) {
      assertThat(fromFollowers.get(id)).isEqualTo(id % 3 == 0 ? null : row(id, "v" + id));
    }
    RowCodec rows = new RowCodec(ClientNodeIT.SCHEMA);
    for (long id = 0; id < 2_000; id++) {
      byte[] key = keys.encode(new Row(id, null, null));
      int pid = PartitionHasher.partition(key, 4);
      for (DataNode n : nodes.values()) {
        byte[] got = replica(n, "repl.items", pid).getAny(key).row();
        if (id % 3 == 0) {
          assertThat(got).as("row %d on %s", id, n.nodeId()).isNull();
        } else {
          assertThat(rows.decode(got)).isEqualTo(row(id, "v" + id));
        }
      }
    }
  }

  @Test
  void aFollowerAnswersAReadWithTheOffsetItApplied() {
    admin.createTable(table(36, "repl.reads", 1, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.reads", 1, 1);
    FloeClient client = FloeClient.connect(ClientConfig.of(nodes.get("a").endpoint()));
    open.add(client);
    FloeTable reads = client.table("repl.reads");
    for (long id = 0; id < 20; id++) {
      reads.put(row(id, "r"));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replica(nodes.get("b"), "repl.reads", 0).offset() == 20);
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    try (NodeAdmin atB = NodeAdmin.connect(nodes.get("b").endpoint())) {
      io.floe.core.protocol.Response.GetAnyResult r =
          atB.getAny("repl.reads", keys.encode(new Row(5L, null, null)));
      assertThat(r.appliedOffset()).isEqualTo(20);
      assertThat(new RowCodec(ClientNodeIT.SCHEMA).decode(r.rowOrNull())).isEqualTo(row(5, "r"));
    }
  }

  @Test
  void aDeposedLeaderCannotAcknowledgeAndTheNewLeaderHasEveryAcknowledgedWrite() throws Exception {
    admin.createTable(table(32, "repl.orders", 1, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.orders", 1, 1);
    FloeClient client =
        FloeClient.connect(ClientConfig.of(nodes.get("a").endpoint(), nodes.get("b").endpoint()));
    open.add(client);
    FloeTable orders = client.table("repl.orders");
    for (long id = 0; id < 300; id++) {
      orders.put(row(id, "before"));
    }

    // Fence: the two followers move to term 2 (a majority of three).
    List<Prepared> prepared = new ArrayList<>();
    for (String id : List.of("b", "c")) {
      try (NodeAdmin nodeAdmin = NodeAdmin.connect(nodes.get(id).endpoint())) {
        prepared.add(nodeAdmin.prepareTerm("repl.orders", 0, 2));
      }
    }
    assertThat(prepared).allSatisfy(p -> assertThat(p.term()).isEqualTo(2));
    assertThat(prepared).allSatisfy(p -> assertThat(p.appliedOffset()).isEqualTo(300));

    // The old leader still believes it leads term 1, but no follower applies its entries now.
    Partition old = replica(nodes.get("a"), "repl.orders", 0);
    RowCodec rows = new RowCodec(ClientNodeIT.SCHEMA);
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    Row lost = row(9_000, "never acknowledged");
    // Either it already learned it is deposed (a heartbeat was answered with the newer term) and
    // refuses, or it applies the write and then fails its acknowledgement: never an ack.
    try {
      AppliedWrites applied =
          old.write(List.of(PartitionWrite.put(keys.encode(lost), rows.encode(lost))), -1);
      await().atMost(Duration.ofSeconds(5)).until(() -> applied.durable().isDone());
      assertThatThrownBy(() -> applied.durable().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(FencedException.class);
    } catch (io.floe.core.protocol.NotLeaderException refused) {
      assertThat(old.role().term()).isEqualTo(2);
    }
    assertThat(old.role().writable()).isFalse();

    // The controller picks the highest offset among the prepared and names it leader of term 2.
    PartitionAssignment moved = admin.moveLeader(32, 0, "b");
    assertThat(moved.term()).isEqualTo(2);
    awaitServing("repl.orders", 1, 2);

    for (long id = 300; id < 400; id++) {
      orders.put(row(id, "after"));
    }
    for (long id = 0; id < 400; id++) {
      assertThat(orders.get(id)).isEqualTo(row(id, id < 300 ? "before" : "after"));
    }
    // The write the deposed leader applied was never acknowledged: its outcome is unknown. It
    // may have reached S3 before the seal (then the new leader folded it in) or not; either way
    // every replica ends with the same log.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                old(nodes.get("a")).offset() == old(nodes.get("b")).offset()
                    && old(nodes.get("c")).offset() == old(nodes.get("b")).offset());
    byte[] lostKey = keys.encode(lost);
    byte[] onLeader = old(nodes.get("b")).getAny(lostKey).row();
    assertThat(old(nodes.get("a")).getAny(lostKey).row()).isEqualTo(onLeader);
    assertThat(old(nodes.get("c")).getAny(lostKey).row()).isEqualTo(onLeader);
    assertThat(orders.get(9_000L)).isEqualTo(onLeader == null ? null : lost);
  }

  private static Partition old(DataNode node) {
    return replica(node, "repl.orders", 0);
  }

  @Test
  void aFollowerThatMissedATermDiscardsItsDivergentSuffix() {
    admin.createTable(table(33, "repl.logs", 1, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.logs", 1, 1);
    FloeClient client = FloeClient.connect(ClientConfig.of(nodes.get("a").endpoint()));
    open.add(client);
    FloeTable logs = client.table("repl.logs");
    for (long id = 0; id < 50; id++) {
      logs.put(row(id, "x"));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replica(nodes.get("c"), "repl.logs", 0).offset() == 50);
    // c holds an entry of term 1 that no other replica has (the old leader reached only c).
    Partition c = replica(nodes.get("c"), "repl.logs", 0);
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    RowCodec rows = new RowCodec(ClientNodeIT.SCHEMA);
    Row stray = row(77_777, "stray");
    c.applyReplicated(
        51, 1, System.currentTimeMillis() * 1000, false, keys.encode(stray), rows.encode(stray));

    // Term 2 is prepared on a and b (a majority without c) and b leads it.
    for (String id : List.of("a", "b")) {
      try (NodeAdmin nodeAdmin = NodeAdmin.connect(nodes.get(id).endpoint())) {
        nodeAdmin.prepareTerm("repl.logs", 0, 2);
      }
    }
    admin.moveLeader(33, 0, "b");
    awaitServing("repl.logs", 1, 2);
    for (long id = 50; id < 60; id++) {
      logs.put(row(id, "y"));
    }
    Partition b = replica(nodes.get("b"), "repl.logs", 0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> replica(nodes.get("c"), "repl.logs", 0).offset() == b.offset());
    Partition refilled = replica(nodes.get("c"), "repl.logs", 0);
    assertThat(refilled.getAny(keys.encode(stray)).row()).isNull();
    assertThat(rows.decode(refilled.getAny(keys.encode(row(55, null))).row()))
        .isEqualTo(row(55, "y"));
  }

  @Test
  void aRestartedFollowerCatchesUpFromS3ThenFromTheLeader() {
    admin.createTable(table(34, "repl.events", 2, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.events", 2, 1);
    FloeClient client =
        FloeClient.connect(ClientConfig.of(nodes.get("a").endpoint(), nodes.get("b").endpoint()));
    open.add(client);
    FloeTable events = client.table("repl.events");
    AtomicLong next = new AtomicLong();
    for (; next.get() < 500; next.incrementAndGet()) {
      events.put(row(next.get(), "e"));
    }
    nodes.get("c").close();
    for (; next.get() < 1_000; next.incrementAndGet()) {
      events.put(row(next.get(), "e"));
    }
    nodes.put("c", node("c"));
    for (; next.get() < 1_500; next.incrementAndGet()) {
      events.put(row(next.get(), "e"));
    }
    for (int pid = 0; pid < 2; pid++) {
      int p = pid;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                Partition onC = replica(nodes.get("c"), "repl.events", p);
                Partition onA = replica(nodes.get("a"), "repl.events", p);
                Partition onB = replica(nodes.get("b"), "repl.events", p);
                long leader = Math.max(onA.offset(), onB.offset());
                return onC != null
                    && onC.role().replicaState().equals("following")
                    && onC.offset() == leader;
              });
    }
    KeyCodec keys = new KeyCodec(ClientNodeIT.SCHEMA);
    long held = 0;
    for (long id = 0; id < 1_500; id++) {
      byte[] key = keys.encode(new Row(id, null, null));
      if (replica(nodes.get("c"), "repl.events", PartitionHasher.partition(key, 2))
              .getAny(key)
              .row()
          != null) {
        held++;
      }
    }
    assertThat(held).isEqualTo(1_500);
  }

  @Test
  void aCooperativeHandOverUnderLoadLosesNothing() throws Exception {
    admin.createTable(table(35, "repl.moves", 1, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.moves", 1, 1);
    FloeClient client =
        FloeClient.connect(
            ClientConfig.of(nodes.get("a").endpoint(), nodes.get("b").endpoint())
                .withRequestTimeout(Duration.ofSeconds(10)));
    open.add(client);
    FloeTable moves = client.table("repl.moves");
    java.util.Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicLong next = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.Queue<Long> ackTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      Thread t =
          new Thread(
              () -> {
                while (writing.get()) {
                  long id = next.getAndIncrement();
                  moves.put(row(id, "m" + id)); // any failure fails the test: nothing is lost
                  acked.add(id);
                  ackTimes.add(System.nanoTime());
                }
              });
      t.setUncaughtExceptionHandler((th, e) -> writing.set(false));
      t.start();
      writers.add(t);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 500);

    long started = System.nanoTime();
    io.floe.core.protocol.Response.HandedOver handed;
    try (NodeAdmin nodeAdmin = NodeAdmin.connect(nodes.get("a").endpoint())) {
      handed = nodeAdmin.handOver("repl.moves", 0, 1, "b");
    }
    long incarnation = nodes.get("a").incarnation();
    admin.handOver(
        35, 0, "b", new PartitionAssignment.HandOverPoint("a", incarnation, handed.lastSeq()));
    awaitServing("repl.moves", 1, 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ackTimes.stream().anyMatch(t -> t > started) && acked.size() > 1_000);
    writing.set(false);
    for (Thread t : writers) {
      t.join();
    }
    // Writes were refused from the hand-over until the new leader served: the longest pause
    // between two acknowledgements from the moment it began.
    long refused = 0;
    long[] times = ackTimes.stream().mapToLong(t -> t).sorted().toArray();
    for (int i = 1; i < times.length; i++) {
      if (times[i] > started) {
        refused = Math.max(refused, times[i] - Math.max(times[i - 1], started));
      }
    }
    System.out.printf(
        "[handover-it] last offset %d handed over at seq %d; writes refused for at most %.1f ms"
            + " (longest pause between acknowledgements after the hand-over began); %d writes"
            + " acknowledged, none lost%n",
        handed.lastOffset(), handed.lastSeq(), refused / 1e6, acked.size());
    for (long id : acked) {
      assertThat(moves.get(id)).isEqualTo(row(id, "m" + id));
    }
    // The old leader keeps its other partitions' stream: it was not sealed, so it is not fenced.
    assertThat(nodes.get("a").durability().shipper().isFenced()).isFalse();
  }

  /**
   * The target of a hand-over dies right after it took over, before the old leader even applied the
   * assignment that deposed it: the next term is prepared on the two survivors and the more
   * advanced leads it, with the old leader as its follower. Writes go on with nothing lost (the
   * failover benchmark once saw a partition take no write for a minute here).
   */
  @Test
  void aHandOverTargetKilledAtOnceIsFailedOverWithTheOldLeaderFollowing() throws Exception {
    admin.createTable(table(37, "repl.relay", 1, Durability.REPLICATED), List.of("a", "b", "c"));
    awaitServing("repl.relay", 1, 1);
    FloeClient client =
        FloeClient.connect(
            ClientConfig.of(
                    nodes.get("a").endpoint(), nodes.get("b").endpoint(), nodes.get("c").endpoint())
                .withRequestTimeout(Duration.ofSeconds(30)));
    open.add(client);
    FloeTable relay = client.table("repl.relay");
    java.util.Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicLong next = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.Queue<Long> ackTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      Thread t =
          new Thread(
              () -> {
                while (writing.get()) {
                  long id = next.getAndIncrement();
                  try {
                    relay.put(row(id, "r" + id));
                    acked.add(id);
                    ackTimes.add(System.nanoTime());
                  } catch (RuntimeException e) {
                    // outcome unknown: the leader died under it
                  }
                }
              });
      t.setUncaughtExceptionHandler((th, e) -> failed.set(e));
      t.start();
      writers.add(t);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() > 500);

    io.floe.core.protocol.Response.HandedOver handed;
    try (NodeAdmin nodeAdmin = NodeAdmin.connect(nodes.get("a").endpoint())) {
      handed = nodeAdmin.handOver("repl.relay", 0, 1, "c");
    }
    admin.handOver(
        37,
        0,
        "c",
        new PartitionAssignment.HandOverPoint("a", nodes.get("a").incarnation(), handed.lastSeq()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Partition c = replica(nodes.get("c"), "repl.relay", 0);
              return c != null && c.role().term() == 2 && c.role().writable();
            });
    nodes.get("c").close();

    // Term 3 on the survivors; the one holding more leads it.
    Map<String, Long> offsets = new HashMap<>();
    for (String id : List.of("a", "b")) {
      try (NodeAdmin nodeAdmin = NodeAdmin.connect(nodes.get(id).endpoint())) {
        offsets.put(id, nodeAdmin.prepareTerm("repl.relay", 0, 3).appliedOffset());
      }
    }
    String leader = offsets.get("a") > offsets.get("b") ? "a" : "b";
    String follower = leader.equals("a") ? "b" : "a";
    long failedOver = System.nanoTime();
    assertThat(admin.moveLeader(37, 0, leader).term()).isEqualTo(3);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ackTimes.stream().filter(t -> t > failedOver).count() > 200);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      Partition l = replica(nodes.get(leader), "repl.relay", 0);
      Partition f = replica(nodes.get(follower), "repl.relay", 0);
      throw new AssertionError(
          String.format(
              "no writes acknowledged in term 3 (prepared offsets %s): leader %s %s offset %d,"
                  + " follower %s %s term %d offset %d",
              offsets,
              leader,
              l.role().replicaState(),
              l.offset(),
              follower,
              f.role().replicaState(),
              f.role().term(),
              f.offset()),
          e);
    }
    writing.set(false);
    for (Thread t : writers) {
      t.join();
    }
    assertThat(failed.get()).isNull();
    for (long id : acked) {
      assertThat(relay.get(id)).isEqualTo(row(id, "r" + id));
    }
  }
}
