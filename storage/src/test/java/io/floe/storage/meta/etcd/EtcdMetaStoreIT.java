package io.floe.storage.meta.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.storage.meta.LeaderElection;
import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.LeaseNotFoundException;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.PrefixRead;
import io.floe.storage.meta.TxnResult;
import io.floe.storage.meta.WatchCompactedException;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import io.floe.testsupport.etcd.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MetaStore contract against one real etcd process. */
class EtcdMetaStoreIT {
  private static final Duration TTL = Duration.ofSeconds(2);

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private final List<MetaStore> stores = new ArrayList<>();
  private MetaStore store;
  private String p;

  @BeforeEach
  void open(TestInfo test) {
    store = newStore();
    p = "/it/" + test.getTestMethod().orElseThrow().getName() + "/";
  }

  @AfterEach
  void closeAll() {
    stores.forEach(MetaStore::close);
  }

  private MetaStore newStore() {
    MetaStore s = EtcdMetaStore.connect(config());
    stores.add(s);
    return s;
  }

  private MetaStoreConfig config() {
    return MetaStoreConfig.of(etcd.endpoints()).withCallTimeout(Duration.ofSeconds(2));
  }

  @Test
  void putGetDelete() {
    assertThat(store.get(p + "a")).isEmpty();
    long rev = store.put(p + "a", "one");
    MetaEntry entry = store.get(p + "a").orElseThrow();
    assertThat(entry.valueAsString()).isEqualTo("one");
    assertThat(entry.modRevision()).isEqualTo(rev);
    assertThat(entry.version()).isEqualTo(1);
    assertThat(store.delete(p + "a")).isTrue();
    assertThat(store.delete(p + "a")).isFalse();
    assertThat(store.get(p + "a")).isEmpty();
  }

  @Test
  void prefixReadReturnsOnlyThePrefixInKeyOrderWithItsRevision() {
    store.put(p + "t/b", "2");
    store.put(p + "t/a", "1");
    long last = store.put(p + "t1/x", "sibling");
    PrefixRead read = store.getPrefix(p + "t/");
    assertThat(read.entries()).extracting(MetaEntry::key).containsExactly(p + "t/a", p + "t/b");
    assertThat(read.revision()).isGreaterThanOrEqualTo(last);
  }

  @Test
  void transactionGuardedByAStaleRevisionDoesNotCommit() {
    store.put(p + "k", "v1");
    long seen = store.get(p + "k").orElseThrow().modRevision();
    store.put(p + "k", "changed by someone else");

    TxnResult stale = store.txn().ifModRevision(p + "k", seen).put(p + "k", "v2").commit();
    assertThat(stale.committed()).isFalse();
    assertThat(store.get(p + "k").orElseThrow().valueAsString())
        .isEqualTo("changed by someone else");

    long fresh = store.get(p + "k").orElseThrow().modRevision();
    TxnResult ok =
        store
            .txn()
            .ifModRevision(p + "k", fresh)
            .put(p + "k", "v2")
            .put(p + "other", "x")
            .delete(p + "missing")
            .commit();
    assertThat(ok.committed()).isTrue();
    assertThat(store.get(p + "k").orElseThrow().modRevision()).isEqualTo(ok.revision());
    assertThat(store.get(p + "other")).isPresent();
  }

  @Test
  void concurrentCreateIfAbsentHasExactlyOneWinner() throws Exception {
    int creators = 8;
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<TxnResult>> results = new ArrayList<>();
    for (int i = 0; i < creators; i++) {
      String me = "creator-" + i;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store.txn().ifAbsent(p + "owner").put(p + "owner", me).commit();
              }));
    }
    go.countDown();
    int winners = 0;
    for (Future<TxnResult> r : results) {
      winners += r.get().committed() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(winners).isEqualTo(1);
    assertThat(store.get(p + "owner").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void keepAliveKeepsALeasedKeyPastItsTtl() {
    Lease lease = store.grantLease(TTL);
    store.put(p + "alive", "yes".getBytes(), lease);
    await()
        .during(TTL.multipliedBy(2))
        .atMost(TTL.multipliedBy(3))
        .until(() -> store.get(p + "alive").isPresent() && lease.isAlive());
  }

  @Test
  void expiryIsSeenByAWatcherWithinTtlPlusOneSecondAfterTheHolderStops() {
    MetaStore holder = newStore();
    Lease lease = holder.grantLease(TTL);
    long rev = holder.put(p + "node", "n1".getBytes(), lease);
    AtomicLong deletedAt = new AtomicLong();
    store.watchPrefix(p, rev + 1, deleteTimer(deletedAt));

    long stoppedAt = System.nanoTime();
    holder.close(); // stops keep-alive, does not revoke: as a crashed holder

    await().atMost(TTL.plusSeconds(2)).until(() -> deletedAt.get() != 0);
    Duration delay = Duration.ofNanos(deletedAt.get() - stoppedAt);
    System.out.println("MEASURE lease-expiry seen by watcher after keep-alive stopped: " + delay);
    assertThat(delay).isLessThanOrEqualTo(TTL.plusSeconds(1));
  }

  @Test
  void revokedLeaseDeletesItsKeysAndRefusesPuts() {
    Lease lease = store.grantLease(TTL);
    store.put(p + "k", "v".getBytes(), lease);
    lease.revoke();
    assertThat(store.get(p + "k")).isEmpty();
    assertThat(lease.isAlive()).isFalse();
    assertThatThrownBy(() -> store.put(p + "k2", "v".getBytes(), lease))
        .isInstanceOf(LeaseNotFoundException.class)
        .satisfies(e -> assertThat(((LeaseNotFoundException) e).leaseId()).isEqualTo(lease.id()));
  }

  @Test
  void aLeaseRevokedByAnotherClientIsKnownLostAtTheHoldersNextKeepAliveNotAtTheWindowsEnd() {
    MetaStore holder = newStore();
    try {
      Lease lease = holder.grantLease(Duration.ofSeconds(10));
      java.util.concurrent.atomic.AtomicLong lostAt = new java.util.concurrent.atomic.AtomicLong();
      lease.whenLost(() -> lostAt.set(System.nanoTime()));
      long revokedAt = System.nanoTime();
      assertThat(store.revokeLease(lease.id())).isTrue(); // an operator, or etcd expiring it
      // Keep-alives go out every (10 s - margin) / 3; the window itself lasts 10 s - margin.
      await().atMost(Duration.ofSeconds(5)).until(() -> lostAt.get() != 0);
      assertThat(lease.isAlive()).isFalse();
      System.out.println(
          "MEASURE revoked lease known lost by its holder after "
              + Duration.ofNanos(lostAt.get() - revokedAt).toMillis()
              + " ms");
    } finally {
      holder.close();
    }
  }

  @Test
  void watchFromARevisionReplaysHistoryThenFollows() {
    long first = store.put(p + "a", "1");
    store.put(p + "b", "2");
    store.delete(p + "a");
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    store.watchPrefix(p, first, seen::add);
    store.put(p + "c", "3");
    store.put("/elsewhere/" + p, "not watched");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
    assertThat(seen)
        .extracting(e -> e.type() + " " + e.entry().key())
        .containsExactly("PUT " + p + "a", "PUT " + p + "b", "DELETE " + p + "a", "PUT " + p + "c");
    assertThat(seen).extracting(WatchEvent::revision).isSorted();
  }

  @Test
  void watchFromACompactedRevisionIsTerminatedAsCompacted() {
    long old = store.put(p + "a", "1");
    long newer = store.put(p + "a", "2");
    store.compact(newer);
    AtomicReference<MetaStoreException> ended = new AtomicReference<>();
    store.watchPrefix(
        p,
        old,
        new WatchListener() {
          @Override
          public void onEvent(WatchEvent event) {}

          @Override
          public void onTerminated(MetaStoreException cause) {
            ended.set(cause);
          }
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() != null);
    assertThat(ended.get()).isInstanceOf(WatchCompactedException.class);
    assertThat(((WatchCompactedException) ended.get()).compactedRevision()).isEqualTo(newer);
  }

  @Test
  void leadershipPassesToTheOtherCandidateWhenTheLeadersLeaseDies() throws Exception {
    String key = p + "election";
    MetaStore first = newStore();
    MetaStore second = newStore();
    List<Optional<String>> observed = new CopyOnWriteArrayList<>();
    store.election(key).observe(observed::add);

    Leadership a = first.election(key).campaign("a", first.grantLease(TTL), () -> {}).get();
    assertThat(a.isHeld()).isTrue();
    AtomicBoolean bLost = new AtomicBoolean();
    Lease bLease = second.grantLease(TTL);
    CompletableFuture<Leadership> b =
        second.election(key).campaign("b", bLease, () -> bLost.set(true));
    await().atMost(Duration.ofSeconds(5)).until(() -> observed.contains(Optional.of("a")));
    assertThat(b).isNotDone();

    long killedAt = System.nanoTime();
    first.close(); // the leader's process dies: its lease is no longer kept alive
    Leadership bLeads = b.get(TTL.plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS);
    System.out.println(
        "MEASURE election hand-over after leader stopped: "
            + Duration.ofNanos(System.nanoTime() - killedAt));
    assertThat(bLeads.candidate()).isEqualTo("b");
    await().atMost(Duration.ofSeconds(5)).until(() -> observed.contains(Optional.of("b")));
    assertThat(store.election(key).leader()).contains("b");

    bLease.revoke(); // its key is deleted: b must learn it no longer leads
    await().atMost(Duration.ofSeconds(5)).untilTrue(bLost);
    assertThat(bLeads.isHeld()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> observed.get(observed.size() - 1).isEmpty());
  }

  @Test
  void resignLetsTheNextCandidateLead() throws Exception {
    String key = p + "election";
    LeaderElection election = store.election(key);
    Leadership a = election.campaign("a", store.grantLease(TTL), () -> {}).get();
    MetaStore other = newStore();
    CompletableFuture<Leadership> b =
        other.election(key).campaign("b", other.grantLease(TTL), () -> {});
    a.resign();
    assertThat(a.isHeld()).isFalse();
    assertThat(b.get(5, TimeUnit.SECONDS).candidate()).isEqualTo("b");
    assertThat(election.leader()).contains("b");
  }

  @Test
  void namespacesIsolateUsersOfOneEtcd() {
    MetaStore tenant = EtcdMetaStore.connect(config().withNamespace("/tenant-a"));
    stores.add(tenant);
    tenant.put(p + "k", "inside");
    assertThat(store.get(p + "k")).isEmpty();
    assertThat(store.get("/tenant-a" + p + "k")).isPresent();
    assertThat(tenant.getPrefix(p).entries()).extracting(MetaEntry::key).containsExactly(p + "k");
  }

  private static WatchListener deleteTimer(AtomicLong deletedAt) {
    return event -> {
      if (event.type() == WatchEvent.Type.DELETE) {
        deletedAt.compareAndSet(0, System.nanoTime());
      }
    };
  }
}
