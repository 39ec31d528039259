package io.floe.storage.meta.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.net.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd compacts its history (every member launched by the tests and the scripts does so itself,
 * {@code EtcdOptions.COMPACTION_RETENTION}): what a watch, an observer of an election and a leader
 * do when the history they would resume from is gone. One store reaches etcd through a proxy that
 * cuts it off while another changes and compacts etcd, as a network partition longer than the
 * compaction retention would.
 */
class EtcdCompactionIT {
  private static final Duration AWAIT = Duration.ofSeconds(15);

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private final List<AutoCloseable> open = new ArrayList<>();
  private TcpProxy proxy;
  private MetaStore direct;
  private MetaStore cutOff;
  private String p;

  @BeforeEach
  void start() {
    URI endpoint = URI.create(etcd.endpoints().get(0));
    proxy = TcpProxy.start(endpoint.getHost(), endpoint.getPort());
    direct = EtcdMetaStore.connect(MetaStoreConfig.of(etcd.endpoints()));
    cutOff = EtcdMetaStore.connect(MetaStoreConfig.of(List.of("http://" + proxy.endpoint())));
    open.add(cutOff);
    open.add(direct);
    open.add(proxy);
    p = "/compaction-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void stop() throws Exception {
    proxy.heal();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void aWatchOnAQuietPrefixResumesPastAHistoryCompactedBehindIt() {
    String quiet = p + "quiet/";
    long from = direct.getPrefix(quiet).revision() + 1;
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    List<MetaStoreException> ended = new CopyOnWriteArrayList<>();
    MetaWatch watch = cutOff.watchPrefix(quiet, from, listener(seen, ended));
    for (int i = 0; i < 50; i++) {
      direct.put(p + "busy/" + i, "x");
    }
    long busy = direct.getPrefix(p + "busy/").revision();
    // etcd's progress notifications tell the quiet watch how far it has caught up
    await().atMost(AWAIT).until(() -> watch.lastRevision() >= busy);

    cutOff();
    direct.put(quiet + "k", "v");
    direct.compact(busy); // the revision the watch started at is gone
    proxy.heal();

    await().atMost(AWAIT).until(() -> seen.size() == 1);
    assertThat(seen.get(0).entry().key()).isEqualTo(quiet + "k");
    assertThat(ended).isEmpty();
  }

  @Test
  void anObserverReportsALeaderChangeItsWatchMissedWhenHistoryWasCompacted() throws Exception {
    String key = p + "election";
    List<Optional<String>> observed = new CopyOnWriteArrayList<>();
    open.add(0, cutOff.election(key).observe(observed::add));
    var lease = direct.grantLease(Duration.ofSeconds(30));
    direct.election(key).campaign("a", lease, () -> {}).get(5, TimeUnit.SECONDS);
    await().atMost(AWAIT).until(() -> Optional.of("a").equals(last(observed)));

    cutOff();
    lease.revoke(); // a's key goes; b takes over
    Leadership b =
        direct
            .election(key)
            .campaign("b", direct.grantLease(Duration.ofSeconds(30)), () -> {})
            .get(5, TimeUnit.SECONDS);
    assertThat(b.candidate()).isEqualTo("b");
    direct.compact(direct.getPrefix(key).revision());
    proxy.heal();

    await().atMost(AWAIT).until(() -> Optional.of("b").equals(last(observed)));
  }

  @Test
  void aLeaderWhoseKeyWasDeletedWhileHistoryWasCompactedLearnsItNoLongerLeads() throws Exception {
    String key = p + "election";
    AtomicBoolean lost = new AtomicBoolean();
    Leadership a =
        cutOff
            .election(key)
            .campaign("a", cutOff.grantLease(Duration.ofSeconds(30)), () -> lost.set(true))
            .get(5, TimeUnit.SECONDS);

    cutOff();
    for (MetaEntry candidate : direct.getPrefix(key + "/").entries()) {
      direct.delete(candidate.key()); // by hand: its lease stays alive
    }
    direct.put(p + "after", "x");
    direct.compact(direct.getPrefix(p).revision());
    proxy.heal();
    long healed = System.nanoTime();

    await().atMost(AWAIT).untilTrue(lost);
    System.out.println(
        "MEASURE a leader learned its key was deleted "
            + Duration.ofNanos(System.nanoTime() - healed)
            + " after the partition healed");
    assertThat(a.isHeld()).isFalse();
  }

  /**
   * No byte passes between the cut-off store and etcd until {@code heal}; its streams are reset.
   */
  private void cutOff() {
    proxy.blackhole();
    proxy.reset();
  }

  private static <T> T last(List<T> list) {
    return list.isEmpty() ? null : list.get(list.size() - 1);
  }

  private static WatchListener listener(List<WatchEvent> seen, List<MetaStoreException> ended) {
    return new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        seen.add(event);
      }

      @Override
      public void onTerminated(MetaStoreException cause) {
        ended.add(cause);
      }
    };
  }
}
