package io.floe.controlplane.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.client.impl.FakeNode;
import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.controlplane.cluster.NodeLinks;
import io.floe.controlplane.tables.TableService;
import io.floe.controlplane.tables.TableService.CreateRequest;
import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.SchemaParser;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The assignment a fencing ChangeLeader writes after a cooperative hand-over whose target died, on
 * a real etcd: the hand-over point stays while the target never served, so the next leader reads
 * the old leader's stream up to that point instead of sealing it (which would fence the old
 * leader's shipping, and every partition it still leads, for good).
 */
class ChangeLeaderIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final String SCHEMA =
      "{\"format-version\": 1, \"schema-id\": 1, \"columns\": ["
          + "{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false}],"
          + " \"primary-key\": [\"id\"]}";

  private final MetaKeys keys = MetaKeys.forCluster("change-leader-it-" + System.nanoTime());
  private MetaStore store;
  private NodeLinks links;
  private CatalogTable table;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    for (String node : List.of("a", "b", "c")) {
      store.put(
          keys.node(node),
          NodeRegistrationParser.toBytes(new NodeRegistration(node, "127.0.0.1:1", 1, 1 << 30, 0)));
    }
    table =
        new TableService(store, keys, System::currentTimeMillis, Optional.empty())
            .create(
                new CreateRequest(
                    "db.t",
                    SchemaParser.fromJson(SCHEMA),
                    1,
                    3,
                    Optional.empty(),
                    OptionalLong.empty()));
    links = new NodeLinks(Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    links.close();
    store.close();
  }

  private Assigned current() {
    return ClusterView.read(store, keys).assignment(table.tid(), 0).orElseThrow();
  }

  /** The source hands over to a target; returns the assignment naming the target leader. */
  private PartitionAssignment handedOver(String source, String target) {
    Assigned read = current();
    PartitionAssignment handed =
        read.assignment().handedOverTo(target, new HandOverPoint(source, 1, 874));
    assertThat(new Assignments(store, keys).replace(read, handed)).isTrue();
    return handed;
  }

  private Step assign(PartitionAssignment from, String candidate) {
    return runTask(
        "assign",
        System.currentTimeMillis(),
        Map.of("term", Long.toString(from.term() + 1), "candidate", candidate));
  }

  private String[] roles() {
    PartitionAssignment a = current().assignment();
    String source = a.leader();
    List<String> others =
        a.replicas().stream()
            .map(PartitionAssignment.Replica::node)
            .filter(n -> !n.equals(source))
            .toList();
    return new String[] {source, others.get(0), others.get(1)};
  }

  @Test
  void aTargetThatNeverServedLeavesTheHandOverPointToTheNextLeader() {
    String[] r = roles();
    PartitionAssignment handed = handedOver(r[0], r[1]);

    Step step = assign(handed, r[2]);

    assertThat(step)
        .isInstanceOfSatisfying(Step.Next.class, n -> assertThat(n.task()).isEqualTo("await"));
    PartitionAssignment after = current().assignment();
    assertThat(after.leader()).isEqualTo(r[2]);
    assertThat(after.term()).isEqualTo(handed.term() + 1);
    assertThat(after.handover()).contains(new HandOverPoint(r[0], 1, 874));
  }

  @Test
  void aTargetThatServedCommittedItsOwnManifestAndTheNextLeaderSealsItsStream() {
    String[] r = roles();
    PartitionAssignment handed = handedOver(r[0], r[1]);
    store.put(
        keys.partitionStatus(r[1], table.tid(), 0),
        PartitionReportParser.toBytes(
            new PartitionReport(
                r[1],
                table.tid(),
                0,
                PartitionRole.LEADER,
                handed.term(),
                10,
                PartitionState.NORMAL,
                0,
                0,
                true,
                Optional.empty())));

    assign(handed, r[2]);

    PartitionAssignment after = current().assignment();
    assertThat(after.leader()).isEqualTo(r[2]);
    assertThat(after.handover()).isEmpty();
  }

  @Test
  void aHandOverTargetSeenServingDropsThePointFromTheAssignment() {
    String[] r = roles();
    PartitionAssignment handed = handedOver(r[0], r[1]);
    report(r[1], PartitionRole.LEADER, handed.term(), 10, true);

    Step step =
        runTask("await", System.currentTimeMillis(), Map.of("term", Long.toString(handed.term())));

    assertThat(step).isInstanceOf(Step.Done.class);
    PartitionAssignment after = current().assignment();
    assertThat(after.handover()).isEmpty();
    assertThat(after.term()).isEqualTo(handed.term());
    assertThat(after.leader()).isEqualTo(r[1]);
    assertThat(after.version()).isEqualTo(handed.version() + 1);
    // a later fence, with the leader not serving at that moment, hands no stale point on
    report(r[1], PartitionRole.LEADER, handed.term(), 10, false);
    assign(after, r[2]);
    assertThat(current().assignment().handover()).isEmpty();
  }

  private void report(String node, PartitionRole role, long term, long offset, boolean writable) {
    report(node, role, term, offset, writable, Optional.empty());
  }

  private void report(
      String node,
      PartitionRole role,
      long term,
      long offset,
      boolean writable,
      Optional<PartitionReport.ReplicaProgress> progress) {
    store.put(
        keys.partitionStatus(node, table.tid(), 0),
        PartitionReportParser.toBytes(
            new PartitionReport(
                node,
                table.tid(),
                0,
                role,
                term,
                offset,
                PartitionState.NORMAL,
                0,
                0,
                writable,
                Optional.empty(),
                progress)));
  }

  private Step chooseTakingOffline(String node) {
    return runTask("choose", System.currentTimeMillis(), Map.of("offline", node));
  }

  /** Runs {@code task} of a ChangeLeader operation started at {@code startMs}. */
  private Step runTask(String task, long startMs, Map<String, String> params) {
    return runTask(task, startMs, params, n -> true);
  }

  private Step runTask(
      String task, long startMs, Map<String, String> params, Predicate<String> alive) {
    ChangeLeader kind = new ChangeLeader(store, keys, links, alive, System::currentTimeMillis);
    return kind.run(
        new Operation(
            1,
            OpType.ChangeLeader,
            "db.t",
            0,
            OpStatus.doing,
            startMs,
            Optional.empty(),
            task,
            Optional.empty(),
            params));
  }

  private void reportProgress(String node, PartitionRole role, long term, String replicaState) {
    report(
        node,
        role,
        term,
        100,
        false,
        Optional.of(new PartitionReport.ReplicaProgress(replicaState, 0, 0, 0)));
  }

  /** The await task of a change to the current term, started {@code agoMs} ago. */
  private Step awaitStartedAgo(long agoMs) {
    return runTask(
        "await",
        System.currentTimeMillis() - agoMs,
        Map.of("term", Long.toString(current().assignment().term())));
  }

  @Test
  void aChosenLeaderWhoseNodeLostItsLeaseEndsTheWaitAtOnce() {
    PartitionAssignment a = current().assignment();
    reportProgress(a.leader(), PartitionRole.LEADER, a.term(), "suspended");

    assertThat(awaitStartedAgo(0))
        .isInstanceOfSatisfying(
            Step.Failed.class, f -> assertThat(f.why()).contains("lost its etcd lease"));
  }

  @Test
  void aChosenLeaderStandingByInItsTermEndsTheWaitOnceItHadTimeToApplyTheAssignment() {
    PartitionAssignment a = current().assignment();
    reportProgress(a.leader(), PartitionRole.FOLLOWER, a.term(), "prepared");

    // Just assigned: prepared is where it was left by the prepare; it has not applied it yet.
    assertThat(awaitStartedAgo(0)).isInstanceOf(Step.Retry.class);
    assertThat(awaitStartedAgo(ChangeLeader.STANDBY_GRACE.toMillis() + 1_000))
        .isInstanceOfSatisfying(
            Step.Failed.class, f -> assertThat(f.why()).contains("stands by in it"));
  }

  @Test
  void theStandbyGraceRunsFromTheAssignmentNotFromTheOperationsStart() {
    PartitionAssignment a = current().assignment();
    reportProgress(a.leader(), PartitionRole.FOLLOWER, a.term(), "prepared");
    long now = System.currentTimeMillis();
    long longAgo = now - ChangeLeader.STANDBY_GRACE.toMillis() - 10_000;
    String term = Long.toString(a.term());

    // A prepare held long (a majority did not answer) then assigned just now: the report still
    // shows the prepare until the node publishes again, and that is no standing by.
    assertThat(runTask("await", longAgo, Map.of("term", term, "assigned_ms", Long.toString(now))))
        .isInstanceOf(Step.Retry.class);
    assertThat(
            runTask(
                "await",
                longAgo,
                Map.of(
                    "term",
                    term,
                    "assigned_ms",
                    Long.toString(now - ChangeLeader.STANDBY_GRACE.toMillis() - 1_000))))
        .isInstanceOfSatisfying(
            Step.Failed.class, f -> assertThat(f.why()).contains("stands by in it"));
  }

  @Test
  void aServingLeaderTakenOfflineHandsOverToItsMostAdvancedFollower() {
    String[] r = roles();
    long term = current().assignment().term();
    report(r[0], PartitionRole.LEADER, term, 100, true);
    report(r[1], PartitionRole.FOLLOWER, term, 90, false);
    report(r[2], PartitionRole.FOLLOWER, term, 95, false);

    Step step = chooseTakingOffline(r[0]);

    assertThat(step)
        .isInstanceOfSatisfying(
            Step.Next.class,
            n -> {
              assertThat(n.task()).isEqualTo("handover");
              assertThat(n.op().param("candidate")).isEqualTo(r[2]);
              assertThat(n.op().param("way")).isEqualTo("hand-over");
            });
  }

  @Test
  void aLeaderTakenOfflineWithNoFollowerInItsTermIsFencedWithoutBeingAsked() {
    String[] r = roles();
    long term = current().assignment().term();
    report(r[0], PartitionRole.LEADER, term, 100, true);
    report(r[1], PartitionRole.FOLLOWER, term - 1, 90, false); // an older term: loading still

    Step step = chooseTakingOffline(r[0]);

    assertThat(step)
        .isInstanceOfSatisfying(
            Step.Next.class,
            n -> {
              assertThat(n.task()).isEqualTo("prepare");
              assertThat(n.op().param("way")).isEqualTo("fence");
            });
  }

  /**
   * The chaos harness found a rebalance hand-over to a node killed just after it was chosen: each
   * try stopped the partition's writes on the leader again, for a minute. A dead target ends the
   * change before the leader is asked (the leader here is unreachable: asking it would throw).
   */
  @Test
  void aHandOverWhoseTargetDiedFailsWithoutAskingTheLeader() {
    String[] r = roles();
    long term = current().assignment().term();
    Map<String, String> params =
        Map.of("term", Long.toString(term + 1), "candidate", r[1], "way", "hand-over");

    Step step = runTask("handover", System.currentTimeMillis(), params, n -> !n.equals(r[1]));

    assertThat(step)
        .isInstanceOfSatisfying(
            Step.Failed.class, f -> assertThat(f.why()).contains(r[1] + " is no longer alive"));
    assertThat(current().assignment().term()).isEqualTo(term);

    Map<String, String> leaving = new java.util.HashMap<>(params);
    leaving.put("offline", r[0]);
    Step offline = runTask("handover", System.currentTimeMillis(), leaving, n -> !n.equals(r[1]));
    assertThat(offline)
        .isInstanceOfSatisfying(
            Step.Next.class,
            n -> {
              assertThat(n.task()).isEqualTo("prepare");
              assertThat(n.op().param("way")).isEqualTo("fence");
            });
  }

  /**
   * The chaos harness found a rebalance hand-over asking a leader that had restarted (standing by,
   * it answers {@code NOT_LEADER}) again and again for three minutes: automatic failover leaves a
   * partition alone while a change of its leader is open, so it stayed leaderless. A leader that
   * answers but no longer leads is fenced instead, as a dead one is.
   */
  @Test
  void aHandOverWhoseLeaderNoLongerLeadsFencesInstead() throws Exception {
    String[] r = roles();
    try (FakeNode restarted =
        new FakeNode(
            request ->
                new Response.Error(
                    io.floe.core.protocol.ErrorCode.NOT_LEADER,
                    "this node does not lead partition 0",
                    ""))) {
      store.put(
          keys.node(r[0]),
          NodeRegistrationParser.toBytes(
              new NodeRegistration(r[0], restarted.endpoint(), 2, 1 << 30, 0)));
      long term = current().assignment().term();
      Map<String, String> params =
          Map.of("term", Long.toString(term + 1), "candidate", r[1], "way", "hand-over");

      Step step = runTask("handover", System.currentTimeMillis(), params);

      assertThat(step)
          .isInstanceOfSatisfying(
              Step.Next.class,
              n -> {
                assertThat(n.task()).isEqualTo("prepare");
                assertThat(n.op().param("way")).isEqualTo("fence");
                assertThat(n.op().param("note"))
                    .contains("cannot hand over")
                    .contains("does not lead partition 0");
              });
      assertThat(restarted.received).hasSize(1);
      assertThat(current().assignment().term()).isEqualTo(term);
    }
  }

  /**
   * A node that answers pings and then nothing; the failure detector of these tests declares it
   * dead 200 ms after it was asked anything else (as a paused node is declared dead some 1.1 s
   * after its last answer).
   */
  private static final class StalledNode implements AutoCloseable {
    final AtomicLong askedAt = new AtomicLong();
    final FakeNode fake;

    StalledNode() throws IOException {
      fake =
          new FakeNode(
              request -> {
                if (request instanceof Request.Ping) {
                  return new Response.Ack();
                }
                askedAt.compareAndSet(0, System.nanoTime());
                return FakeNode.SILENCE;
              });
    }

    boolean declaredDead() {
      long asked = askedAt.get();
      return asked != 0 && System.nanoTime() - asked > Duration.ofMillis(200).toNanos();
    }

    @Override
    public void close() throws IOException {
      fake.close();
    }
  }

  private void register(String node, String endpoint) {
    store.put(
        keys.node(node),
        NodeRegistrationParser.toBytes(new NodeRegistration(node, endpoint, 2, 1 << 30, 0)));
  }

  /** Calls as the control plane makes them: a deadline far past the failure detector's verdict. */
  private void productionDeadline() {
    links.close();
    links = new NodeLinks(Duration.ofSeconds(60));
  }

  /**
   * The chaos harness found a rebalance hand-over asked of a leader that was paused a moment later:
   * the call waited out its whole deadline (10 s), and automatic failover leaves a partition alone
   * while a change of its leader is open, so the partition failed over in 11 s where the node's
   * others did in 1.5 s. The wait ends when the failure detector declares the leader dead, and the
   * change goes on as a fence.
   */
  @Test
  @Timeout(30)
  void aHandOverWhoseLeaderIsDeclaredDeadMeanwhileFencesWithoutAwaitingItsAnswer()
      throws Exception {
    String[] r = roles();
    productionDeadline();
    try (StalledNode paused = new StalledNode()) {
      register(r[0], paused.fake.endpoint());
      long term = current().assignment().term();
      Map<String, String> params =
          Map.of("term", Long.toString(term + 1), "candidate", r[1], "way", "hand-over");

      Step step =
          runTask(
              "handover",
              System.currentTimeMillis(),
              params,
              n -> !(n.equals(r[0]) && paused.declaredDead()));

      assertThat(paused.fake.received).anyMatch(q -> q instanceof Request.HandOver);
      assertThat(step)
          .isInstanceOfSatisfying(
              Step.Next.class,
              n -> {
                assertThat(n.task()).isEqualTo("prepare");
                assertThat(n.op().param("way")).isEqualTo("fence");
                assertThat(n.op().param("note"))
                    .isEqualTo("the leader " + r[0] + " was declared dead during the hand-over");
              });
      assertThat(current().assignment().term()).isEqualTo(term);
    }
  }

  /**
   * The same for a fence's prepare, which asks the replicas one after another: a replica declared
   * dead while its answer is awaited is counted silent at once, and the others' answers choose.
   */
  @Test
  @Timeout(30)
  void aPrepareStopsAwaitingAReplicaDeclaredDeadMeanwhile() throws Exception {
    String[] r = roles();
    productionDeadline();
    long term = current().assignment().term();
    try (StalledNode paused = new StalledNode();
        FakeNode behind = preparedAt(term, 100);
        FakeNode ahead = preparedAt(term, 120)) {
      register(r[0], paused.fake.endpoint());
      register(r[1], behind.endpoint());
      register(r[2], ahead.endpoint());

      Step step =
          runTask(
              "prepare",
              System.currentTimeMillis(),
              Map.of("term", Long.toString(term + 1), "way", "fence"),
              n -> !(n.equals(r[0]) && paused.declaredDead()));

      assertThat(paused.fake.received).anyMatch(q -> q instanceof Request.PrepareTerm);
      assertThat(step)
          .isInstanceOfSatisfying(
              Step.Next.class,
              n -> {
                assertThat(n.task()).isEqualTo("assign");
                assertThat(n.op().param("candidate")).isEqualTo(r[2]);
              });
    }
  }

  /**
   * A replica answering every prepare with its last term {@code term} and offset {@code offset}.
   */
  private static FakeNode preparedAt(long term, long offset) throws IOException {
    return new FakeNode(
        request ->
            request instanceof Request.PrepareTerm p
                ? new Response.Prepared(p.term(), offset, term, List.of())
                : new Response.Ack());
  }

  @Test
  void aNodeTakenOfflineThatNoLongerLeadsMovesNothing() {
    String[] r = roles();

    assertThat(chooseTakingOffline(r[1])).isInstanceOf(Step.Done.class);
    assertThat(current().assignment().leader()).isEqualTo(r[0]);
  }

  @Test
  void aValueThatDoesNotParseStopsOnlyWhatNeedsItAndIsNamed() {
    PartitionAssignment a = current().assignment();
    java.util.function.Supplier<Step> await =
        () -> runTask("await", System.currentTimeMillis(), Map.of("term", Long.toString(a.term())));
    byte[] garbled = "{\"format-version\":1,\"table-id\":".getBytes(StandardCharsets.UTF_8);
    // Another node's report cut short: the view leaves it out and names it; the rest reads.
    store.put(keys.partitionStatus("d", table.tid(), 7), garbled);
    ClusterView view = ClusterView.read(store, keys);
    assertThat(view.assignment(table.tid(), 0)).isPresent();
    assertThat(view.unreadable()).containsOnlyKeys(keys.partitionStatus("d", table.tid(), 7));
    report(a.leader(), PartitionRole.LEADER, a.term(), 10, true);
    assertThat(await.get()).isInstanceOf(Step.Done.class);

    // The partition's own assignment cut short: its change waits, saying why, and goes on from
    // the good value written back.
    Assigned good = current();
    store.put(keys.partition(table.tid(), 0), garbled);
    assertThat(await.get())
        .isInstanceOfSatisfying(
            Step.Retry.class,
            r -> assertThat(r.why()).startsWith("the assignment of partition 0 does not parse"));
    store.put(keys.partition(table.tid(), 0), PartitionAssignmentParser.toBytes(a));
    assertThat(await.get()).isInstanceOf(Step.Done.class);
    assertThat(current().assignment()).isEqualTo(good.assignment());

    // The table's definition cut short: the same.
    store.put(keys.table("db.t"), garbled);
    assertThat(await.get())
        .isInstanceOfSatisfying(
            Step.Retry.class,
            r -> assertThat(r.why()).startsWith("the definition of db.t does not parse"));
  }
}
