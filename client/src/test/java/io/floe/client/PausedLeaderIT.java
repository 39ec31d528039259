package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * The old leader alive but cut off (replication.md §8): a data node JVM stopped with {@code
 * SIGSTOP} while writers keep going, its partitions failed over by prepare + assignment, then
 * resumed. In {@code replicated} and {@code s3} mode it acknowledges nothing after the prepare (no
 * follower applies its entries) and the seal (its next WAL object finds its sequence taken); every
 * write acknowledged at all is in the new leader's state; it learns it was deposed and follows.
 */
@Timeout(300)
class PausedLeaderIT {
  private static final String CLUSTER = "paused-it";

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private NodeProcesses cluster;
  private FloeClient client;

  @BeforeEach
  void start() {
    // The lease outlives the pause: fencing, not the lease, is what is tested.
    cluster =
        new NodeProcesses(
            CLUSTER,
            ETCD.endpoints(),
            S3.settings(),
            Duration.ofSeconds(30),
            List.of("a", "b", "c"));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    cluster.close();
  }

  private static CatalogTable table(long tid, String name, Durability mode) {
    return new CatalogTable(
        tid,
        "cut",
        name,
        ClientNodeIT.SCHEMA,
        1,
        3,
        mode,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  @Test
  void aPausedLeaderAcknowledgesNothingAfterItsFailoverAndFollowsWhenResumed() throws Exception {
    Map<Durability, Long> tids = Map.of(Durability.REPLICATED, 51L, Durability.S3, 52L);
    for (Map.Entry<Durability, Long> t : tids.entrySet()) {
      cluster
          .admin()
          .createTable(
              table(t.getValue(), t.getKey().jsonName(), t.getKey()), List.of("a", "b", "c"));
    }
    for (long tid : tids.values()) {
      cluster.awaitReplicasInTerm(tid, 0, Duration.ofSeconds(60));
    }
    client =
        FloeClient.connect(
            ClientConfig.of(cluster.endpoint("a"), cluster.endpoint("b"), cluster.endpoint("c"))
                .withRequestTimeout(Duration.ofSeconds(5)));
    Map<Durability, Set<Long>> acked = new HashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong nextId = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (Durability mode : tids.keySet()) {
      FloeTable table = client.table("cut." + mode.jsonName());
      Set<Long> done = ConcurrentHashMap.newKeySet();
      acked.put(mode, done);
      for (int w = 0; w < 2; w++) {
        Thread t =
            new Thread(
                () -> {
                  while (writing.get()) {
                    long id = nextId.getAndIncrement();
                    try {
                      table.put(new Row(id, "p" + id, (double) id));
                      done.add(id);
                    } catch (RuntimeException e) {
                      // not acknowledged: its outcome is unknown
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> acked.values().stream().allMatch(s -> s.size() > 300));

    cluster.node("a").pause();
    Map<Durability, Integer> before = new HashMap<>();
    acked.forEach((mode, set) -> before.put(mode, set.size()));
    for (Map.Entry<Durability, Long> t : tids.entrySet()) {
      assertThat(cluster.admin().assignment(t.getValue(), 0).leader()).isEqualTo("a");
      cluster.failOver("cut." + t.getKey().jsonName(), t.getValue(), 0, "a");
    }
    // Writes go on at the new leaders while the old one is stopped.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                acked.entrySet().stream()
                    .allMatch(e -> e.getValue().size() > before.get(e.getKey()) + 200));

    cluster.node("a").resume();
    // It learns it was deposed: it follows the term-2 leader.
    for (long tid : tids.values()) {
      cluster.awaitReplicasInTerm(tid, 0, Duration.ofSeconds(60));
    }
    writing.set(false);
    for (Thread t : writers) {
      t.join();
    }

    for (Map.Entry<Durability, Set<Long>> e : acked.entrySet()) {
      FloeTable table = client.table("cut." + e.getKey().jsonName());
      long lost = 0;
      for (long id : e.getValue()) {
        Row row = table.get(id);
        if (row == null || !row.equals(new Row(id, "p" + id, (double) id))) {
          lost++;
        }
      }
      System.out.printf(
          "[paused-it] %s: %d writes acknowledged, %d lost across a SIGSTOP of the leader and"
              + " its failover%n",
          e.getKey().jsonName(), e.getValue().size(), lost);
      assertThat(lost).as("acknowledged %s writes lost", e.getKey().jsonName()).isZero();
    }
  }
}
