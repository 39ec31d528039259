package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.storage.object.ForwardingObjectStore;
import io.floe.storage.object.ObjectNotFoundException;
import io.floe.storage.object.memory.InMemoryObjectStore;
import io.floe.storage.wal.WalObjectReader;
import io.floe.storage.wal.WalObjectReader.Tail;
import io.floe.storage.wal.WalObjectWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's loads share WAL object tails: one GET per object found, none kept of one missing. */
@Timeout(30)
class SharedWalTailsTest {
  /** Counts tail GETs; holds each until released when asked to, so reads can overlap. */
  static final class CountingStore extends ForwardingObjectStore {
    final AtomicInteger tailGets = new AtomicInteger();
    volatile CountDownLatch release = new CountDownLatch(0);

    CountingStore() {
      super(new InMemoryObjectStore());
    }

    @Override
    public byte[] getTail(String key, long length) {
      tailGets.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.getTail(key, length);
    }
  }

  private final CountingStore store = new CountingStore();
  private final ExecutorService loads = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    loads.shutdownNow();
  }

  private String object(int seq) {
    String key = "wal/n/1/" + String.format("%020d", seq) + ".wal";
    new WalObjectWriter(store).seal(key);
    return key;
  }

  @Test
  void loadsReadingTheSameObjectAtOnceShareOneGet() throws Exception {
    String key = object(1);
    SharedWalTails tails = new SharedWalTails(new WalObjectReader(store), 0);
    store.release = new CountDownLatch(1);
    List<Future<Tail>> reads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      reads.add(loads.submit(() -> tails.read(key)));
    }
    org.awaitility.Awaitility.await().until(() -> tails.reads() == 1 && tails.shared() == 7);
    store.release.countDown();
    for (Future<Tail> f : reads) {
      assertThat(f.get().footer().isSeal()).isTrue();
    }
    assertThat(store.tailGets).hasValue(1);
  }

  @Test
  void aTailReadBeforeIsServedAgainWithoutAGetWithinTheBudget() {
    String first = object(1);
    String second = object(2);
    SharedWalTails tails = new SharedWalTails(new WalObjectReader(store), 1 << 20);
    Tail read = tails.read(first);
    tails.read(second);
    assertThat(tails.read(first)).isSameAs(read);
    assertThat(store.tailGets).hasValue(2);
    assertThat(tails.shared()).isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedTailsGoPastTheBudget() {
    String first = object(1);
    String second = object(2);
    SharedWalTails probe = new SharedWalTails(new WalObjectReader(store), 1 << 20);
    int size = probe.read(first).bytes().length;
    SharedWalTails tails = new SharedWalTails(new WalObjectReader(store), size);
    tails.read(first);
    tails.read(second); // over the budget: the first goes
    int before = store.tailGets.get();
    tails.read(second);
    assertThat(store.tailGets).hasValue(before);
    tails.read(first);
    assertThat(store.tailGets).hasValue(before + 1);
  }

  @Test
  void aForgottenTailIsReadAgain() {
    String key = object(1);
    SharedWalTails tails = new SharedWalTails(new WalObjectReader(store), 1 << 20);
    tails.read(key);
    tails.forget(key);
    tails.read(key);
    assertThat(store.tailGets).hasValue(2);
  }

  @Test
  void aMissingObjectIsAskedForAgainSinceItMayAppear() {
    String key = "wal/n/1/" + String.format("%020d", 9) + ".wal";
    SharedWalTails tails = new SharedWalTails(new WalObjectReader(store), 1 << 20);
    assertThatThrownBy(() -> tails.read(key)).isInstanceOf(ObjectNotFoundException.class);
    new WalObjectWriter(store).seal(key);
    assertThat(tails.read(key).footer().isSeal()).isTrue();
    assertThat(store.tailGets).hasValue(2);
  }
}
