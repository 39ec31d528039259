package io.floe.storage.meta.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaStoreUnavailableException;
import io.floe.storage.meta.WatchEvent;
import io.floe.testsupport.etcd.EtcdProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a MetaStore user sees when etcd is down, dies mid-call, or restarts under a watch. */
class EtcdMetaStoreFaultIT {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  /** Every attempt within the call timeout, the waits between them, and 2 s of slack. */
  private static final Duration BOUND =
      CALL_TIMEOUT
          .plus(MetaStoreConfig.RETRY_DEFAULT.maxBackoff())
          .multipliedBy(MetaStoreConfig.RETRY_DEFAULT.maxAttempts())
          .plusSeconds(2);

  private EtcdProcess etcd;
  private MetaStore store;

  @BeforeEach
  void start() {
    etcd = EtcdProcess.start();
    store = EtcdMetaStore.connect(config(etcd.clientEndpoints()));
    // The first call of a cold JVM (class loading, channel set-up) can outlast the short deadline.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> store.get("/warm-up") != null);
  }

  @AfterEach
  void stop() {
    store.close();
    etcd.close();
  }

  private static MetaStoreConfig config(List<String> endpoints) {
    return MetaStoreConfig.of(endpoints).withCallTimeout(CALL_TIMEOUT);
  }

  @Test
  void etcdDownAtStartGivesATypedErrorInBoundedTime() throws IOException {
    int nobody;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = s.getLocalPort();
    }
    try (MetaStore orphan = EtcdMetaStore.connect(config(List.of("http://127.0.0.1:" + nobody)))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> orphan.get("/k"))
          .isInstanceOf(MetaStoreUnavailableException.class)
          .hasMessageContaining("get /k")
          .hasMessageContaining(String.valueOf(nobody));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      System.out.println("MEASURE etcd down at start -> typed error after " + took);
      assertThat(took).isLessThan(BOUND);
      assertThatThrownBy(() -> orphan.grantLease(Duration.ofSeconds(2)))
          .isInstanceOf(MetaStoreUnavailableException.class);
    }
  }

  @Test
  void etcdKilledMidOperationGivesATypedErrorThenRecoversAfterRestart() {
    store.put("/k", "before");
    etcd.kill();

    for (Runnable call :
        List.<Runnable>of(
            () -> store.put("/k", "during"),
            () -> store.getPrefix("/"),
            () -> store.txn().ifAbsent("/x").put("/x", "1").commit())) {
      long t0 = System.nanoTime();
      assertThatThrownBy(call::run).isInstanceOf(MetaStoreUnavailableException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      System.out.println("MEASURE etcd killed -> typed error after " + took);
      assertThat(took).isLessThan(BOUND);
    }

    etcd.restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> store.get("/k").isPresent());
    store.put("/k", "after");
    assertThat(store.get("/k").orElseThrow().valueAsString()).isEqualTo("after");
  }

  @Test
  void leaseLossIsReportedWhileEtcdIsDown() {
    Lease lease = store.grantLease(Duration.ofSeconds(2));
    AtomicLong lostAt = new AtomicLong();
    lease.whenLost(() -> lostAt.set(System.nanoTime()));
    long killedAt = System.nanoTime();
    etcd.kill();
    await().atMost(Duration.ofSeconds(3)).until(() -> lostAt.get() != 0);
    Duration after = Duration.ofNanos(lostAt.get() - killedAt);
    System.out.println("MEASURE lease-lost callback after etcd killed (TTL 2s): " + after);
    assertThat(after).isLessThan(lease.ttl());
    assertThat(lease.isAlive()).isFalse();
  }

  @Test
  void watchResumesAcrossAKillAndRestartWithoutGapOrDuplicate() throws Exception {
    String prefix = "/w/";
    long from = store.getPrefix(prefix).revision() + 1;
    List<WatchEvent> seen = new CopyOnWriteArrayList<>();
    store.watchPrefix(prefix, from, seen::add);

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> writeUntilStopped(prefix, writing, written), "writer");
    writer.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> written.get() >= 20);
    etcd.kill();
    int beforeRestart = written.get();
    etcd.restart();
    long restartedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() > beforeRestart);
    System.out.println(
        "MEASURE watch delivered again after restart: "
            + Duration.ofNanos(System.nanoTime() - restartedAt));
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= beforeRestart + 20);
    writing.set(false);
    writer.join();

    List<String> truth =
        store.getPrefix(prefix).entries().stream()
            .sorted(Comparator.comparingLong(MetaEntry::modRevision))
            .map(e -> e.modRevision() + " " + e.key())
            .collect(Collectors.toList());
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= truth.size());
    List<String> delivered =
        seen.stream().map(e -> e.revision() + " " + e.entry().key()).collect(Collectors.toList());
    assertThat(delivered).containsExactlyElementsOf(truth);
    assertThat(truth.size()).isGreaterThanOrEqualTo(beforeRestart + 20);
  }

  /**
   * Creates w/0, w/1, … each once: a create whose answer was lost to the kill is retried as
   * create-if-absent, so etcd ends with exactly one revision per key, the ground truth to compare
   * the watch against.
   */
  private void writeUntilStopped(String prefix, AtomicBoolean writing, AtomicInteger written) {
    int i = 0;
    while (writing.get()) {
      String key = prefix + String.format("%06d", i);
      try {
        store.txn().ifAbsent(key).put(key, Integer.toString(i)).commit();
        i++;
        written.set(i);
      } catch (MetaStoreException e) {
        // etcd is down or the answer was lost: try the same key again
      }
    }
  }
}
