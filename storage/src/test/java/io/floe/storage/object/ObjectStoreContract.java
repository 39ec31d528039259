package io.floe.storage.object;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} must have, run against each implementation (S3 over HTTP,
 * in memory). Implementations used here list and delete in small pages so that paging is exercised
 * with a few dozen keys.
 */
public abstract class ObjectStoreContract {

  /** The store under test, empty at the start of each test. */
  protected abstract ObjectStore store();

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void putThenGetReturnsTheBytesAndOverwrites() {
    store().put("a/b", bytes("one"));
    ObjectInfo info = store().put("a/b", bytes("second"));

    assertThat(store().get("a/b")).isEqualTo(bytes("second"));
    assertThat(info.key()).isEqualTo("a/b");
    assertThat(info.size()).isEqualTo(6);
    assertThat(info.etag()).isNotBlank();
  }

  @Test
  void createIfAbsentRefusesAnExistingKeyAndKeepsTheFirstObject() {
    ObjectInfo created = store().createIfAbsent("m/1.json", bytes("first"));

    assertThatThrownBy(() -> store().createIfAbsent("m/1.json", bytes("second")))
        .isInstanceOfSatisfying(
            ObjectAlreadyExistsException.class, e -> assertThat(e.key()).isEqualTo("m/1.json"))
        .satisfies(e -> assertThat(((ObjectStoreException) e).retryable()).isFalse());
    assertThat(store().get("m/1.json")).isEqualTo(bytes("first"));
    assertThat(store().head("m/1.json")).hasValueSatisfying(i -> i.etag().equals(created.etag()));
  }

  @Test
  void concurrentCreatorsHaveExactlyOneWinner() throws Exception {
    int creators = 16;
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> outcomes = new ArrayList<>();
      for (int i = 0; i < creators; i++) {
        byte[] mine = bytes("creator-" + i);
        Callable<Boolean> create =
            () -> {
              start.await();
              try {
                store().createIfAbsent("race", mine);
                return true;
              } catch (ObjectAlreadyExistsException lost) {
                return false;
              }
            };
        outcomes.add(pool.submit(create));
      }
      start.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int i = 0; i < creators; i++) {
        if (outcomes.get(i).get()) {
          winners.add(i);
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(store().get("race")).isEqualTo(bytes("creator-" + winners.get(0)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void getOfAMissingKeyIsObjectNotFound() {
    assertThatThrownBy(() -> store().get("nope"))
        .isInstanceOfSatisfying(
            ObjectNotFoundException.class, e -> assertThat(e.key()).isEqualTo("nope"));
    assertThatThrownBy(() -> store().getRange("nope", 0, 1))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store().open("nope")).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void headOfAMissingKeyIsEmptyAndOfAPresentKeyHasSizeAndEtag() {
    ObjectInfo put = store().put("h", bytes("12345"));

    assertThat(store().head("missing")).isEmpty();
    assertThat(store().head("h"))
        .hasValueSatisfying(
            i -> {
              assertThat(i.key()).isEqualTo("h");
              assertThat(i.size()).isEqualTo(5);
              assertThat(i.etag()).isEqualTo(put.etag());
            });
  }

  @Test
  void rangedReadsAtTheEdgesOfAnObject() {
    store().put("r", bytes("0123456789"));

    assertThat(store().getRange("r", 0, 1)).isEqualTo(bytes("0"));
    assertThat(store().getRange("r", 9, 1)).isEqualTo(bytes("9"));
    assertThat(store().getRange("r", 3, 4)).isEqualTo(bytes("3456"));
    assertThat(store().getRange("r", 7, 100)).isEqualTo(bytes("789"));
    assertThat(store().getRange("r", 0, Long.MAX_VALUE)).isEqualTo(bytes("0123456789"));
  }

  @Test
  void rangeStartingAtOrPastTheEndIsAnError() {
    store().put("r", bytes("0123456789"));

    assertThatThrownBy(() -> store().getRange("r", 10, 1))
        .isInstanceOfSatisfying(
            InvalidRangeException.class,
            e -> {
              assertThat(e.key()).isEqualTo("r");
              assertThat(e.retryable()).isFalse();
            });
    assertThatThrownBy(() -> store().getRange("r", 11, 5))
        .isInstanceOf(InvalidRangeException.class);
    assertThatThrownBy(() -> store().getRange("r", -1, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().getRange("r", 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tailReadsTheEndOrTheWholeObjectWhenShorter() {
    store().put("t", bytes("0123456789"));

    assertThat(store().getTail("t", 1)).isEqualTo(bytes("9"));
    assertThat(store().getTail("t", 4)).isEqualTo(bytes("6789"));
    assertThat(store().getTail("t", 10)).isEqualTo(bytes("0123456789"));
    assertThat(store().getTail("t", 1000)).isEqualTo(bytes("0123456789"));
  }

  @Test
  void openStreamsTheWholeObject() throws IOException {
    store().put("o", bytes("streamed"));

    try (InputStream in = store().open("o")) {
      assertThat(in.readAllBytes()).isEqualTo(bytes("streamed"));
    }
  }

  @Test
  void listPagesThroughManyKeysInOrderUnderAPrefix() {
    List<String> keys = IntStream.range(0, 50).mapToObj(i -> "wal/n1/%04d".formatted(i)).toList();
    keys.forEach(k -> store().put(k, bytes(k)));
    store().put("wal/n2/0000", bytes("other node"));
    store().put("walrus", bytes("not under wal/"));

    try (Stream<ObjectInfo> listed = store().list("wal/n1/")) {
      assertThat(listed.map(ObjectInfo::key)).containsExactlyElementsOf(keys);
    }
    try (Stream<ObjectInfo> all = store().list("")) {
      assertThat(all.count()).isEqualTo(52);
    }
    assertThat(store().list("wal/n1/0007").findFirst())
        .hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(11));
    assertThat(store().list("nothing/")).isEmpty();
  }

  @Test
  void listAfterStartsAfterTheGivenKey() {
    List<String> keys = IntStream.range(0, 30).mapToObj(i -> "m/%04d".formatted(i)).toList();
    keys.forEach(k -> store().put(k, bytes(k)));
    store().put("n/0000", bytes("other prefix"));

    try (Stream<ObjectInfo> after = store().listAfter("m/", "m/0011")) {
      assertThat(after.map(ObjectInfo::key)).containsExactlyElementsOf(keys.subList(12, 30));
    }
    assertThat(store().listAfter("m/", "m/0029")).isEmpty();
    assertThat(store().listAfter("m/", "a").map(ObjectInfo::key)).containsExactlyElementsOf(keys);
  }

  @Test
  void copyDuplicatesAnObjectServerSide() {
    store().put("src", bytes("payload"));

    ObjectInfo copied = store().copy("src", "dst/copy");

    assertThat(copied.key()).isEqualTo("dst/copy");
    assertThat(copied.size()).isEqualTo(7);
    assertThat(store().get("dst/copy")).isEqualTo(bytes("payload"));
    assertThat(store().get("src")).isEqualTo(bytes("payload"));
  }

  @Test
  void copyOfAMissingSourceIsObjectNotFound() {
    assertThatThrownBy(() -> store().copy("missing", "dst"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void deleteRemovesKeysInBatchesAndIgnoresMissingOnes() {
    List<String> keys = IntStream.range(0, 40).mapToObj(i -> "d/%04d".formatted(i)).toList();
    keys.forEach(k -> store().put(k, bytes(k)));
    store().put("keep", bytes("kept"));
    List<String> toDelete = new ArrayList<>(keys);
    toDelete.add("d/never-written");

    store().delete(toDelete);

    assertThat(store().list("d/")).isEmpty();
    assertThat(store().get("keep")).isEqualTo(bytes("kept"));
    store().delete(List.of());
  }

  @Test
  void putStreamOfASmallStreamStoresIt() {
    ObjectInfo info =
        store().putStream("s", new ByteArrayInputStream(bytes("small stream")), false);

    assertThat(info.size()).isEqualTo(12);
    assertThat(store().get("s")).isEqualTo(bytes("small stream"));
  }

  @Test
  void putStreamIfAbsentRefusesAnExistingKey() {
    store().put("s", bytes("there"));

    assertThatThrownBy(() -> store().putStream("s", new ByteArrayInputStream(bytes("again")), true))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(store().get("s")).isEqualTo(bytes("there"));
  }

  @Test
  void emptyKeysAreRejected() {
    assertThatThrownBy(() -> store().put("", bytes("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
