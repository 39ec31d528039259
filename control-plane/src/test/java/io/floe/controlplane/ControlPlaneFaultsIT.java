package io.floe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.controlplane.ControlCluster.Answer;
import io.floe.core.table.Row;
import io.floe.testsupport.etcd.EtcdCluster;
import io.floe.testsupport.etcd.EtcdClusterExtension;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control plane's failure tests on a three-member etcd cluster (separate processes: three etcd
 * members, S3Proxy, two control planes, three data nodes): etcd members restarted one by one under
 * writes, a leader node killed while an etcd member is down, a leader node paused with {@code
 * SIGSTOP} and resumed, a leader node that lost its lease while no control plane ran, one that lost
 * it while answering, and one cut off from its followers alone. In each, no acknowledged write is
 * lost.
 */
@Timeout(600)
class ControlPlaneFaultsIT {
  @RegisterExtension static final EtcdClusterExtension ETCD = new EtcdClusterExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private ControlCluster cluster;

  /** A test tagged so runs on nodes whose links to each other can be cut alone. */
  private static final String PEER_LINKS = "cuttable-peer-links";

  @BeforeEach
  void start(org.junit.jupiter.api.TestInfo test) {
    cluster =
        new ControlCluster(
            "cp-faults-" + System.nanoTime(),
            ETCD.cluster().clientEndpoints(),
            S3.settings(),
            List.of("a", "b", "c"),
            2,
            test.getTags().contains(PEER_LINKS));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  /**
   * Writers putting {@code (id, "v" + id)} with ids never reused; what was acknowledged is kept.
   */
  private static final class Writers implements AutoCloseable {
    final FloeClient client;
    final FloeTable table;
    final Set<Long> acked = ConcurrentHashMap.newKeySet();
    final AtomicLong nextId = new AtomicLong();
    final AtomicBoolean writing = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();

    Writers(List<String> seeds, String name, int count) {
      client =
          FloeClient.connect(
              ClientConfig.of(seeds.toArray(String[]::new))
                  .withRequestTimeout(Duration.ofSeconds(10)));
      table = client.table(name);
      for (int i = 0; i < count; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (writing.get()) {
                    long id = nextId.getAndIncrement();
                    try {
                      table.put(new Row(id, "v" + id));
                      acked.add(id);
                    } catch (RuntimeException e) {
                      // not acknowledged: may or may not be there
                    }
                  }
                });
        t.start();
        threads.add(t);
      }
    }

    /** Waits until {@code more} writes beyond those acknowledged now are acknowledged. */
    void awaitProgress(int more, Duration atMost) {
      long from = acked.size();
      await().atMost(atMost).until(() -> acked.size() >= from + more);
    }

    /** Stops writing and answers the acknowledged writes that cannot be read back as written. */
    List<Long> stopAndFindLost() throws InterruptedException {
      writing.set(false);
      for (Thread t : threads) {
        t.join();
      }
      List<Long> lost = new ArrayList<>();
      for (long id : acked) {
        Row row = table.get(id);
        if (row == null || !row.equals(new Row(id, "v" + id))) {
          lost.add(id);
        }
      }
      return lost;
    }

    @Override
    public void close() {
      writing.set(false);
      client.close();
    }
  }

  private void createTable(String name, int partitions) {
    Answer created =
        cluster.call(
            "POST",
            "/v1/tables",
            "{\"name\": \""
                + name
                + "\", \"schema\": "
                + ControlPlaneIT.SCHEMA
                + ", \"partitions\": "
                + partitions
                + ", \"replicas\": 3}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    awaitAllServing(name, Duration.ofSeconds(60));
  }

  private void awaitAllServing(String name, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonNode rows =
                  cluster
                      .call("GET", "/v1/ns/gettablestatus?table=" + name, null)
                      .body()
                      .path("rows");
              assertThat(rows.size()).isPositive();
              for (JsonNode r : rows) {
                assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("normal");
                assertThat(r.path("is_alive").asText()).as(r.toString()).isEqualTo("yes");
              }
            });
  }

  private List<String> changeLeaders(String table) {
    List<String> out = new ArrayList<>();
    for (JsonNode op : cluster.call("GET", "/v1/ops?table=" + table, null).body().path("ops")) {
      if (op.path("op_type").asText().equals("ChangeLeader")) {
        out.add(op.path("pid").asText() + ":" + op.path("detail").path("reason").asText());
      }
    }
    return out;
  }

  private String leaderOf(String table, int pid) {
    JsonNode t = cluster.call("GET", "/v1/tables/" + table, null).body();
    return t.path("assignments").get(pid).path("leader").asText();
  }

  private void awaitLeaderMovedFrom(String table, String victim) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (JsonNode p :
                  cluster.call("GET", "/v1/tables/" + table, null).body().path("assignments")) {
                assertThat(p.path("leader").asText()).isNotEqualTo(victim);
              }
            });
  }

  @Test
  void etcdMembersRestartedOneByOneUnderWritesMoveNoLeaderAndLoseNothing() throws Exception {
    createTable("faults.etcd", 3);
    EtcdCluster etcd = ETCD.cluster();
    try (Writers writers = new Writers(cluster.endpoints(), "faults.etcd", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      for (int m = 0; m < 3; m++) {
        etcd.restart(m); // stop, start on the same data, wait until healthy
        writers.awaitProgress(300, Duration.ofSeconds(60));
      }
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      assertThat(changeLeaders("faults.etcd"))
          .as("an etcd member's restart is no reason to move a leader")
          .isEmpty();
      awaitAllServing("faults.etcd", Duration.ofSeconds(30));
      // Each restart broke the standby control plane's pending campaign call: a candidacy left in
      // etcd by a failed call must not outlive it, or no one leads once the leader dies.
      NodeProcess leader = cluster.leader();
      long killed = System.nanoTime();
      leader.kill();
      NodeProcess next = cluster.leader();
      assertThat(next).isNotSameAs(leader);
      System.out.printf(
          "[cp-faults-it] 3 etcd member restarts under %d acknowledged writes: none lost, no"
              + " leader moved; then the control-plane leader killed, the other led %d ms later%n",
          writers.acked.size(), (System.nanoTime() - killed) / 1_000_000);
    }
  }

  @Test
  void aLeaderNodeKilledWhileAnEtcdMemberIsDownIsFailedOver() throws Exception {
    createTable("faults.quorum", 3);
    EtcdCluster etcd = ETCD.cluster();
    try (Writers writers = new Writers(cluster.endpoints(), "faults.quorum", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      etcd.stop(0);
      try {
        String victim = leaderOf("faults.quorum", 0);
        cluster.node(victim).kill();
        awaitLeaderMovedFrom("faults.quorum", victim);
        writers.awaitProgress(300, Duration.ofSeconds(60));
        cluster.node(victim).start();
      } finally {
        etcd.restart(0);
      }
      awaitAllServing("faults.quorum", Duration.ofSeconds(120));
      writers.awaitProgress(200, Duration.ofSeconds(30));
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] leader killed with one etcd member down: failed over, %d writes"
              + " acknowledged, none lost; ops %s%n",
          writers.acked.size(), changeLeaders("faults.quorum"));
    }
  }

  @Test
  void aLeaderWhoseNodeLostItsLeaseWhileNoControlPlaneWatchedIsMovedToTheNextTerm()
      throws Exception {
    createTable("faults.lease", 1);
    try (Writers writers = new Writers(cluster.endpoints(), "faults.lease", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      String victim = leaderOf("faults.lease", 0);
      for (NodeProcess cp : cluster.controlPlanes()) {
        cp.kill();
      }
      NodeProcess node = cluster.node(victim);
      long incarnation = cluster.incarnation(victim);
      node.pause();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> !cluster.registered(victim));
      } finally {
        node.resume();
      }
      // Resumed, it finds its lease gone: it stops the partition's writes and registers again
      // under a new lease, as the same incarnation (nothing sealed its stream). No control plane
      // saw the lease change: the ones that start now must see the suspended leader for what it is.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> cluster.registered(victim));
      assertThat(cluster.incarnation(victim)).isEqualTo(incarnation);
      long restarted = System.nanoTime();
      for (NodeProcess cp : cluster.controlPlanes()) {
        cp.start();
      }
      cluster.leader();
      long leading = System.nanoTime();
      writers.awaitProgress(300, Duration.ofSeconds(60));
      long resumedMs = (System.nanoTime() - restarted) / 1_000_000;
      long afterLeaderMs = (System.nanoTime() - leading) / 1_000_000;
      assertThat(changeLeaders("faults.lease"))
          .anySatisfy(op -> assertThat(op).contains("lost its etcd lease"));
      awaitAllServing("faults.lease", Duration.ofSeconds(60));
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] leader %s lost its lease with no control plane running: writes resumed"
              + " %d ms after the control planes started again, %d ms after one led; %d"
              + " acknowledged, none lost; ops %s%n",
          victim, resumedMs, afterLeaderMs, writers.acked.size(), changeLeaders("faults.lease"));
    }
  }

  @Test
  void aLeaderNodeThatLostItsLeaseButAnswersLeadsItsPartitionsInANewTermWithoutRestarting()
      throws Exception {
    createTable("faults.relet", 6);
    try (Writers writers = new Writers(cluster.endpoints(), "faults.relet", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      JsonNode before = cluster.call("GET", "/v1/tables/faults.relet", null).body();
      java.util.Map<String, List<Integer>> byLeader = new java.util.TreeMap<>();
      for (JsonNode p : before.path("assignments")) {
        byLeader
            .computeIfAbsent(p.path("leader").asText(), k -> new ArrayList<>())
            .add(p.path("pid").asInt());
      }
      String victim =
          byLeader.entrySet().stream()
              .max(java.util.Comparator.comparingInt(e -> e.getValue().size()))
              .orElseThrow()
              .getKey();
      List<Integer> led = byLeader.get(victim);
      long incarnation = cluster.incarnation(victim);
      // Its lease goes (an etcd member restarted under it, a keep-alive lost): the node stops the
      // writes of every partition it leads and registers again, answering pings all along, its
      // memory whole. Moving its leaderships to other nodes would seal its WAL stream, which all of
      // them write to, and fence them all; the same node leading a new term seals nothing.
      long revoked = System.nanoTime();
      cluster.revokeRegistrationLease(victim);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode t = cluster.call("GET", "/v1/tables/faults.relet", null).body();
                for (int pid : led) {
                  JsonNode a = t.path("assignments").get(pid);
                  assertThat(a.path("term").asLong())
                      .as("partition %d moved to a new term", pid)
                      .isGreaterThan(before.path("assignments").get(pid).path("term").asLong());
                }
              });
      writers.awaitProgress(300, Duration.ofSeconds(60));
      long resumedMs = (System.nanoTime() - revoked) / 1_000_000;
      awaitAllServing("faults.relet", Duration.ofSeconds(60));
      for (int pid : led) {
        assertThat(leaderOf("faults.relet", pid))
            .as("partition %d is led by the node that held every write", pid)
            .isEqualTo(victim);
      }
      assertThat(cluster.incarnation(victim))
          .as("not restarted: no one sealed its WAL stream")
          .isEqualTo(incarnation);
      assertThat(changeLeaders("faults.relet"))
          .hasSize(led.size())
          .allSatisfy(op -> assertThat(op).contains("lost its etcd lease"));
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] leader %s of partitions %s lost its lease while answering: each led a new"
              + " term on the same node, same incarnation; %d ms from the revoke until 300 more"
              + " writes; %d acknowledged, none lost%n",
          victim, led, resumedMs, writers.acked.size());
    }
  }

  /**
   * The chaos harness found {@code offlineendpoint} racing automatic failover: the heartbeat saw
   * the serving leader marked not alive before the operation's own hand-overs were started, fenced
   * its partitions, sealed its WAL stream and so restarted it. Taken offline while it serves, a
   * node hands every leadership over and goes on as the same incarnation.
   */
  @Test
  void aServingLeaderTakenOfflineUnderAutoFailoverHandsOverAndIsNotFenced() throws Exception {
    createTable("faults.offline", 6);
    try (Writers writers = new Writers(cluster.endpoints(), "faults.offline", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      java.util.Map<String, Integer> leads = new java.util.TreeMap<>();
      for (JsonNode p :
          cluster.call("GET", "/v1/tables/faults.offline", null).body().path("assignments")) {
        leads.merge(p.path("leader").asText(), 1, Integer::sum);
      }
      String victim =
          leads.entrySet().stream()
              .max(java.util.Map.Entry.comparingByValue())
              .orElseThrow()
              .getKey();
      long incarnation = cluster.incarnation(victim);

      Answer off =
          cluster.call("POST", "/v1/ns/offlineendpoint", "{\"endpoint\": \"" + victim + "\"}");
      assertThat(off.status()).as(off.body().toString()).isEqualTo(202);
      JsonNode done =
          cluster.awaitOperation(off.body().path("op_id").asLong(), Duration.ofSeconds(120));
      assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
      awaitLeaderMovedFrom("faults.offline", victim);
      writers.awaitProgress(300, Duration.ofSeconds(60));

      assertThat(changeLeaders("faults.offline"))
          .as("every leadership moved by the offlineendpoint's hand-overs, none by a fence")
          .hasSize(leads.get(victim))
          .allSatisfy(op -> assertThat(op).endsWith("offlineendpoint " + victim));
      assertThat(cluster.incarnation(victim))
          .as("a node taken offline while serving is not fenced")
          .isEqualTo(incarnation);
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] %s taken offline while leading %d partitions: handed over, same"
              + " incarnation; %d acknowledged, none lost%n",
          victim, leads.get(victim), writers.acked.size());
    }
  }

  @Test
  void aPausedLeaderNodeIsDeposedRejoinsAsANewIncarnationAndCanLeadAgain() throws Exception {
    createTable("faults.paused", 1);
    try (Writers writers = new Writers(cluster.endpoints(), "faults.paused", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      String victim = leaderOf("faults.paused", 0);
      long incarnation = cluster.incarnation(victim);
      cluster.node(victim).pause();
      try {
        awaitLeaderMovedFrom("faults.paused", victim);
        writers.awaitProgress(300, Duration.ofSeconds(60));
      } finally {
        cluster.node(victim).resume();
      }
      // Resumed, it finds its WAL stream sealed by the new leader: that incarnation can never ship
      // again, so the process starts the node afresh as a new one, which the control plane re-adds
      // as a follower.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.incarnation(victim), i -> i > incarnation);
      awaitAllServing("faults.paused", Duration.ofSeconds(120));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                JsonNode rows =
                    cluster
                        .call("GET", "/v1/ns/showtable?table=faults.paused", null)
                        .body()
                        .path("rows");
                for (JsonNode r : rows) {
                  assertThat(r.path("is_alive").asText()).as(r.toString()).isEqualTo("yes");
                }
              });
      // It can lead again: every write now goes through it, and none stalls on a sealed stream.
      Answer back =
          cluster.call(
              "POST",
              "/v1/ns/changeleader",
              "{\"table\": \"faults.paused\", \"pid\": 0, \"endpoint\": \""
                  + cluster.endpoint(victim)
                  + "\"}");
      assertThat(back.status()).as(back.body().toString()).isEqualTo(202);
      JsonNode op =
          cluster.awaitOperation(back.body().path("op_id").asLong(), Duration.ofSeconds(60));
      assertThat(op.path("status").asText()).as(op.toString()).isEqualTo("done");
      assertThat(leaderOf("faults.paused", 0)).isEqualTo(victim);
      writers.awaitProgress(300, Duration.ofSeconds(30));
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] leader %s paused and resumed, restarted as incarnation %d and led again:"
              + " %d writes acknowledged, none lost; ops %s%n",
          victim,
          cluster.incarnation(victim),
          writers.acked.size(),
          changeLeaders("faults.paused"));
    }
  }

  /**
   * A leader that still answers clients, control planes and etcd but no longer reaches its
   * followers commits nothing: it reports itself isolated, and the control plane moves each of its
   * partitions to a new term led by a follower, without asking it.
   */
  @Test
  @org.junit.jupiter.api.Tag(PEER_LINKS)
  void aLeaderCutOffFromItsFollowersOnlyIsDeposedWithinSecondsAndLosesNothing() throws Exception {
    createTable("faults.cut", 3);
    try (Writers writers = new Writers(cluster.endpoints(), "faults.cut", 4)) {
      writers.awaitProgress(300, Duration.ofSeconds(30));
      String victim = leaderOf("faults.cut", 0);
      JsonNode before = cluster.call("GET", "/v1/tables/faults.cut", null).body();
      long cut = System.nanoTime();
      cluster.cutFromPeers(victim);
      System.out.printf(
          "[cp-faults-it] %s cut off from its followers at %s%n",
          victim, java.time.LocalTime.now());
      long movedMs;
      try {
        awaitLeaderMovedFrom("faults.cut", victim);
        writers.awaitProgress(300, Duration.ofSeconds(60));
        movedMs = (System.nanoTime() - cut) / 1_000_000;
      } finally {
        cluster.healPeerLinks();
      }
      JsonNode after = cluster.call("GET", "/v1/tables/faults.cut", null).body();
      List<String> moves = new ArrayList<>();
      for (JsonNode p : before.path("assignments")) {
        if (p.path("leader").asText().equals(victim)) {
          int pid = p.path("pid").asInt();
          assertThat(after.path("assignments").get(pid).path("term").asLong())
              .as("partition %d moved to a newer term", pid)
              .isGreaterThan(p.path("term").asLong());
          moves.add(Integer.toString(pid));
        }
      }
      List<String> ops = changeLeaders("faults.cut");
      assertThat(ops)
          .as("each partition moved once, for being cut off; the node was never taken for dead")
          .filteredOn(op -> op.contains("cut off from them"))
          .extracting(op -> op.substring(0, op.indexOf(':')))
          .containsExactlyInAnyOrderElementsOf(moves);
      assertThat(ops).noneMatch(op -> op.contains("is dead"));
      awaitAllServing("faults.cut", Duration.ofSeconds(120));
      writers.awaitProgress(300, Duration.ofSeconds(30));
      List<Long> lost = writers.stopAndFindLost();
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      System.out.printf(
          "[cp-faults-it] leader %s cut off from its followers: partitions %s moved, 300 more"
              + " writes %d ms after the cut; %d acknowledged, none lost%n",
          victim, moves, movedMs, writers.acked.size());
    }
  }
}
