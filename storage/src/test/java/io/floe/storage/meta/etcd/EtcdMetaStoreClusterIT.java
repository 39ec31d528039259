package io.floe.storage.meta.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.WatchEvent;
import io.floe.testsupport.etcd.EtcdCluster;
import io.floe.testsupport.etcd.EtcdClusterExtension;
import io.floe.testsupport.etcd.EtcdProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MetaStore behaviour against a real three-member etcd cluster when members die. */
class EtcdMetaStoreClusterIT {
  private static final Duration TTL = Duration.ofSeconds(2);

  @RegisterExtension static EtcdClusterExtension etcd = new EtcdClusterExtension();

  private final List<MetaStore> stores = new ArrayList<>();

  @AfterEach
  void closeAll() {
    stores.forEach(MetaStore::close);
    for (EtcdProcess member : etcd.cluster().members()) {
      if (!member.isRunning()) {
        member.restart();
      }
    }
  }

  private MetaStore connect(List<String> endpoints) {
    MetaStore store =
        EtcdMetaStore.connect(MetaStoreConfig.of(endpoints).withCallTimeout(Duration.ofSeconds(2)));
    stores.add(store);
    return store;
  }

  @Test
  void holderLearnsOfLeaseLossBeforeTheServerExpiresIt() throws Exception {
    EtcdCluster cluster = etcd.cluster();
    int follower = aFollower(cluster);
    List<String> others = new ArrayList<>(cluster.clientEndpoints());
    String cutOff = others.remove(follower);

    MetaStore holder = connect(List.of(cutOff)); // talks to etcd only through the follower
    MetaStore observer = connect(others);
    Lease lease = holder.grantLease(TTL);
    long rev = holder.put("/cluster/lease/node", "n1".getBytes(), lease);
    AtomicLong lostAt = new AtomicLong();
    AtomicLong expiredAt = new AtomicLong();
    lease.whenLost(() -> lostAt.set(System.nanoTime()));
    observer.watchPrefix(
        "/cluster/lease/",
        rev + 1,
        event -> {
          if (event.type() == WatchEvent.Type.DELETE) {
            expiredAt.compareAndSet(0, System.nanoTime());
          }
        });

    await().during(TTL).atMost(TTL.plusSeconds(1)).until(lease::isAlive);

    long killedAt = System.nanoTime();
    cluster.kill(follower); // keep-alives stop reaching the leader, which still counts the TTL

    await().atMost(TTL.plusSeconds(3)).until(() -> lostAt.get() != 0 && expiredAt.get() != 0);
    System.out.printf(
        "MEASURE holder gave up %s after the kill; server expiry seen %s after; margin %s%n",
        Duration.ofNanos(lostAt.get() - killedAt),
        Duration.ofNanos(expiredAt.get() - killedAt),
        Duration.ofNanos(expiredAt.get() - lostAt.get()));
    assertThat(lostAt.get()).isLessThan(expiredAt.get());
  }

  @Test
  void watchSeesEveryWriteOnceWhileEachMemberInTurnIsKilledAndRestarted() throws Exception {
    EtcdCluster cluster = etcd.cluster();
    MetaStore watcher = connect(cluster.clientEndpoints());
    MetaStore writerStore = connect(cluster.clientEndpoints());
    String prefix = "/cluster/watch/";
    long from = watcher.getPrefix(prefix).revision() + 1;
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    watcher.watchPrefix(prefix, from, seen::add);

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer =
        new Thread(() -> createUntilStopped(writerStore, prefix, writing, written), "writer");
    writer.start();
    for (int member = 0; member < 3; member++) {
      int target = written.get() + 10;
      await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= target);
      cluster.kill(member);
      int whileDown = written.get() + 10;
      await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= whileDown);
      cluster.restart(member);
    }
    writing.set(false);
    writer.join();

    List<String> truth =
        watcher.getPrefix(prefix).entries().stream()
            .sorted(Comparator.comparingLong(MetaEntry::modRevision))
            .map(e -> e.modRevision() + " " + e.key())
            .collect(Collectors.toList());
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= truth.size());
    assertThat(seen.stream().map(e -> e.revision() + " " + e.entry().key()))
        .containsExactlyElementsOf(truth);
    assertThat(truth).hasSizeGreaterThanOrEqualTo(60);
  }

  private static void createUntilStopped(
      MetaStore store, String prefix, AtomicBoolean writing, AtomicInteger written) {
    int i = 0;
    while (writing.get()) {
      String key = prefix + String.format("%06d", i);
      try {
        store.txn().ifAbsent(key).put(key, Integer.toString(i)).commit();
        written.set(++i);
      } catch (MetaStoreException e) {
        // the member serving us died; create-if-absent makes the retry exact
      }
    }
  }

  /** Index of a member that is not the raft leader, from each member's status endpoint. */
  private static int aFollower(EtcdCluster cluster) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Pattern member = Pattern.compile("\"member_id\":\"(\\d+)\"");
    Pattern leader = Pattern.compile("\"leader\":\"(\\d+)\"");
    for (int i = 0; i < cluster.members().size(); i++) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(cluster.member(i).clientEndpoint() + "/v3/maintenance/status"))
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build();
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = member.matcher(body);
      Matcher l = leader.matcher(body);
      if (m.find() && l.find() && !m.group(1).equals(l.group(1))) {
        return i;
      }
    }
    throw new IllegalStateException("no follower found: is the cluster healthy?");
  }
}
