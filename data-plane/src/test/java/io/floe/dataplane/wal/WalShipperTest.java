package io.floe.dataplane.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.FencedException;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.storage.wal.WalBlock;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObject;
import io.floe.storage.wal.WalObjectReader;
import io.floe.storage.wal.WalObjectWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WalShipperTest {
  private final FailingObjectStore store = new FailingObjectStore();
  private WalShipper shipper;

  private WalShipper start(WalShipperSettings settings) {
    shipper = new WalShipper(store, "n1", 7, settings);
    return shipper;
  }

  private static WalShipperSettings fast() {
    return WalShipperSettings.defaults()
        .withFlushInterval(Duration.ofMillis(20))
        .withMaxUnshippedBytes(1 << 20, 4 << 20);
  }

  @AfterEach
  void close() {
    if (shipper != null) {
      shipper.close();
    }
  }

  private static WalEntry entry(int pid, long offset) {
    byte[] key = ("k" + offset).getBytes(StandardCharsets.UTF_8);
    return new WalEntry(
        1, pid, offset, 1, 1000 + offset, offset % 5 == 0, key, offset % 5 == 0 ? null : key);
  }

  private List<WalBlock> blocksOf(long seq) {
    WalObject o = new WalObjectReader(store).readObject(WalKeys.objectKey("n1", 7, seq));
    return o.blocks();
  }

  @Test
  void groupCommitsManyWritesOfManyPartitionsIntoFewDenseObjects() throws Exception {
    start(fast().withFlushInterval(Duration.ofMillis(200)));
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (long offset = 1; offset <= 1000; offset++) {
      for (int pid = 0; pid < 8; pid++) {
        futures.add(shipper.append(entry(pid, offset)));
      }
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    long objects = shipper.objectsWritten();
    assertThat(objects).isBetween(1L, 3L);
    assertThat(shipper.nextSeq()).isEqualTo(objects + 1);
    long entries = 0;
    for (long seq = 1; seq <= objects; seq++) {
      for (WalBlock b : blocksOf(seq)) {
        entries += b.entries().size();
      }
    }
    assertThat(entries).isEqualTo(8000);
    ShippedLog log = shipper.shippedLog(1, 3);
    assertThat(log.ranges().get(0).firstOffset()).isEqualTo(1);
    assertThat(log.ranges().get(log.ranges().size() - 1).lastOffset()).isEqualTo(1000);
    assertThat(log.nextSeq()).isEqualTo(objects + 1);
  }

  @Test
  void retriesFailedPutsWithTheSameContentAtTheSameSequence() throws Exception {
    start(fast());
    store.failNextCreates.set(3);
    CompletableFuture<Void> first = shipper.append(entry(0, 1));
    first.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> second = shipper.append(entry(0, 2));
    second.get(10, TimeUnit.SECONDS);
    assertThat(store.creates.get()).isGreaterThanOrEqualTo(5);
    assertThat(blocksOf(1).get(0).entries().get(0).offset()).isEqualTo(1);
    assertThat(blocksOf(2).get(0).entries().get(0).offset()).isEqualTo(2);
    assertThat(shipper.nextSeq()).isEqualTo(3);
  }

  @Test
  void fencesForGoodWhenItsNextSequenceIsSealed() {
    start(fast());
    new WalObjectWriter(store).seal(WalKeys.objectKey("n1", 7, 1));
    CompletableFuture<Void> f = shipper.append(entry(0, 1));
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(FencedException.class);
    assertThat(shipper.isFenced()).isTrue();
    assertThatThrownBy(shipper::checkAccepting)
        .isInstanceOfSatisfying(
            FencedException.class,
            e -> {
              // a seal says nothing of the newer term: "unknown", never a made-up term 0
              assertThat(e.term()).isEqualTo(FencedException.UNKNOWN_TERM);
              assertThat(e.detail()).isEqualTo("-1");
            });
    assertThat(shipper.append(entry(0, 2))).isCompletedExceptionally();
  }

  @Test
  void anIdleShipperFindsTheSealOfItsNextSequenceWithoutAWrite() throws Exception {
    start(fast().withSealCheckInterval(Duration.ofMillis(50)));
    shipper.append(entry(0, 1)).get(10, TimeUnit.SECONDS);
    CompletableFuture<String> fenced = shipper.whenFenced();
    // Idle and not sealed: checks go on and find nothing.
    await().until(() -> store.heads.get() >= 3);
    assertThat(fenced).isNotDone();
    assertThat(shipper.isFenced()).isFalse();

    new WalObjectWriter(store).seal(WalKeys.objectKey("n1", 7, 2));
    assertThat(fenced.get(10, TimeUnit.SECONDS)).isEqualTo(WalKeys.objectKey("n1", 7, 2));
    assertThat(shipper.isFenced()).isTrue();
    assertThatThrownBy(shipper::checkAccepting).isInstanceOf(FencedException.class);
  }

  @Test
  void aSealFoundByAPutCompletesWhenFenced() throws Exception {
    start(fast());
    new WalObjectWriter(store).seal(WalKeys.objectKey("n1", 7, 1));
    CompletableFuture<String> fenced = shipper.whenFenced();
    shipper.append(entry(0, 1));
    assertThat(fenced.get(10, TimeUnit.SECONDS)).isEqualTo(WalKeys.objectKey("n1", 7, 1));
  }

  @Test
  void anOutageBecomesBackPressureAndRecoversInOrder() throws Exception {
    start(fast().withMaxUnshippedBytes(4096, 16384));
    store.down = true;
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                shipper.checkAccepting();
              } catch (WalBacklogException e) {
                assertThat(e.getMessage()).contains("WAL backlog").contains("S3");
                return true;
              }
              for (int i = 0; i < 100; i++) {
                futures.add(shipper.append(entry(0, futures.size() + 1)));
              }
              return false;
            });
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    store.down = false;
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    shipper.checkAccepting();
    long expected = 1;
    for (long seq = 1; seq < shipper.nextSeq(); seq++) {
      for (WalBlock b : blocksOf(seq)) {
        for (var e : b.entries()) {
          assertThat(e.offset()).isEqualTo(expected++);
        }
      }
    }
    assertThat(expected - 1).isEqualTo(futures.size());
  }

  @Test
  void closeFlushesWhatIsPending() {
    start(fast().withFlushInterval(Duration.ofSeconds(30)));
    shipper.append(entry(0, 1));
    CompletableFuture<Void> last = shipper.append(entry(0, 2));
    shipper.close();
    assertThat(last).isCompleted();
    assertThat(blocksOf(1).get(0).entries()).hasSize(2);
  }
}
