package io.floe.storage.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.storage.object.CountingObjectStore;
import io.floe.storage.object.ObjectStoreException;
import io.floe.storage.object.WriteOutcomeUnknownException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VersionedObjectsTest {
  private final CountingObjectStore store = new CountingObjectStore();
  private final VersionedObjects manifests = VersionedObjects.partitionManifests(store, 7, 3);

  @Test
  void keysFollowTheLayout() {
    assertThat(manifests.keyOf(12))
        .isEqualTo("tables/7/partitions/3/manifests/00000000000000000012.json");
    assertThat(VersionedObjects.catalog(store).keyOf(1))
        .isEqualTo("catalog/00000000000000000001.json");
  }

  @Test
  void emptyUntilTheFirstCommitThenTheNewest() {
    assertThat(manifests.latest()).isEmpty();
    manifests.commit(1, bytes("one"));
    manifests.commit(2, bytes("two"));
    VersionedObjects.Version latest = manifests.latest().orElseThrow();
    assertThat(latest.version()).isEqualTo(2);
    assertThat(new String(latest.bytes(), StandardCharsets.UTF_8)).isEqualTo("two");
  }

  @Test
  void theSecondWriterOfAVersionLosesWithATypedError() {
    manifests.commit(1, bytes("mine"));
    assertThatThrownBy(() -> manifests.commit(1, bytes("theirs")))
        .isInstanceOfSatisfying(
            CommitFailedException.class, e -> assertThat(e.version()).isEqualTo(1))
        .hasMessageContaining("another writer committed first");
    assertThat(new String(manifests.read(1), StandardCharsets.UTF_8)).isEqualTo("mine");
  }

  @Test
  void exactlyOneOfManyConcurrentWritersWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> writers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        VersionedObjects writer = VersionedObjects.partitionManifests(store, 7, 3);
        writers.add(
            () -> {
              try {
                writer.commit(1, bytes("w"));
                return true;
              } catch (CommitFailedException e) {
                return false;
              }
            });
      }
      int winners = 0;
      for (Future<Boolean> f : pool.invokeAll(writers, 30, TimeUnit.SECONDS)) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWarmReaderFindsNewerVersionsByHeadWithoutListing() {
    for (int v = 1; v <= 50; v++) {
      manifests.commit(v, bytes("v" + v));
    }
    VersionedObjects reader = VersionedObjects.partitionManifests(store, 7, 3);
    assertThat(reader.latestVersion()).hasValue(50);
    int lists = store.lists.get();
    assertThat(lists).isZero(); // even a cold reader probes up from version 1
    manifests.commit(51, bytes("v51"));
    assertThat(reader.latestVersion()).hasValue(51);
    assertThat(reader.latestVersion()).hasValue(51);
    // Far behind: every count of newer versions, 1 to 1,000, is found exactly.
    for (int behind : new int[] {1, 2, 3, 7, 8, 9, 100, 127, 128, 129, 1000, 70_000}) {
      long from = reader.latestVersion().orElseThrow();
      for (long v = from + 1; v <= from + behind; v++) {
        manifests.commit(v, bytes("v" + v));
      }
      VersionedObjects stale = VersionedObjects.partitionManifests(store, 7, 3);
      stale.remember(from);
      int heads = store.heads.get();
      assertThat(stale.latestVersion()).as("%d newer", behind).hasValue(from + behind);
      // Parallel rounds of at most 16 HEADs: one to double past the newest, then one per 16-fold
      // narrowing of the interval — never one HEAD per version for a reader far behind.
      int rounds = 2 + (64 - Long.numberOfLeadingZeros(behind)) / 4;
      assertThat(store.heads.get() - heads)
          .isLessThanOrEqualTo(2 + rounds * VersionedObjects.PROBES);
      reader.remember(from + behind);
    }
    assertThat(store.lists.get()).isEqualTo(lists);
  }

  @Test
  void aReaderToldAVersionStartsLookingThereWithOneRoundOfTwoHeads() {
    for (int v = 1; v <= 40; v++) {
      manifests.commit(v, bytes("v" + v));
    }
    VersionedObjects reader = VersionedObjects.partitionManifests(store, 7, 3);
    assertThat(reader.lastKnownVersion()).isZero();
    reader.seen(40); // the previous leader reported it
    int heads = store.heads.get();
    assertThat(reader.latestVersion()).hasValue(40);
    assertThat(store.heads.get() - heads).as("41 and 40, at once").isEqualTo(2);
    assertThat(reader.lastKnownVersion()).isEqualTo(40);
    reader.seen(12); // an older report never moves it back
    assertThat(reader.lastKnownVersion()).isEqualTo(40);
  }

  @Test
  void aReaderThatReadTheNewestChecksWithTwoHeadsAndDoesNotReadItAgain() {
    for (int v = 1; v <= 3; v++) {
      manifests.commit(v, bytes("v" + v));
    }
    VersionedObjects reader = VersionedObjects.partitionManifests(store, 7, 3);
    assertThat(reader.latest().orElseThrow().version()).isEqualTo(3);
    int reads = store.reads.get();
    int heads = store.heads.get();
    VersionedObjects.Version again = reader.latest().orElseThrow();
    assertThat(again.version()).isEqualTo(3);
    assertThat(new String(again.bytes(), StandardCharsets.UTF_8)).isEqualTo("v3");
    assertThat(store.reads.get()).as("a committed version never changes").isEqualTo(reads);
    assertThat(store.heads.get() - heads).as("the next version and this one, at once").isEqualTo(2);
    manifests.commit(4, bytes("v4"));
    assertThat(new String(reader.latest().orElseThrow().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("v4");
    assertThat(store.reads.get()).isEqualTo(reads + 1);
  }

  @Test
  void aReaderWhoseVersionsWereCollectedListsAgain() {
    for (int v = 1; v <= 10; v++) {
      manifests.commit(v, bytes("v" + v));
    }
    VersionedObjects reader = VersionedObjects.partitionManifests(store, 7, 3);
    assertThat(reader.latestVersion()).hasValue(10);
    VersionedObjects stale = VersionedObjects.partitionManifests(store, 7, 3);
    stale.remember(3);
    // Garbage collection kept only the newest two.
    List<String> old = new ArrayList<>();
    for (int v = 1; v <= 8; v++) {
      old.add(manifests.keyOf(v));
    }
    store.delete(old);
    assertThat(stale.latestVersion()).hasValue(10);
    assertThat(VersionedObjects.partitionManifests(store, 7, 3).latestVersion()).hasValue(10);
  }

  @Test
  void keysOfAnotherShapeAreIgnored() {
    manifests.commit(3, bytes("three"));
    store.put("tables/7/partitions/3/manifests/notes.txt", bytes("x"));
    store.put("tables/7/partitions/3/manifests/99999999999999999999.json", bytes("x"));
    assertThat(VersionedObjects.partitionManifests(store, 7, 3).latestVersion()).hasValue(3);
  }

  @Test
  void aRetryableStoreFailureLeavesTheCommitUnknown() {
    store.failNextCreate = new ObjectStoreException("timeout on bucket b", true, null);
    assertThatThrownBy(() -> manifests.commit(1, bytes("x")))
        .isInstanceOf(CommitStateUnknownException.class)
        .hasMessageContaining("unknown outcome");
    store.failNextCreate = new ObjectStoreException("403 on bucket b", false, null);
    assertThatThrownBy(() -> manifests.commit(1, bytes("x")))
        .isExactlyInstanceOf(ObjectStoreException.class);
    assertThatThrownBy(() -> manifests.commit(0, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWriteWhoseOutcomeTheStoreCouldNotSettleLeavesTheCommitUnknown() {
    store.failNextCreate =
        new WriteOutcomeUnknownException("m", "answer lost; S3 could not be asked", null);
    assertThatThrownBy(() -> manifests.commit(1, bytes("x")))
        .isInstanceOf(CommitStateUnknownException.class)
        .hasCauseInstanceOf(WriteOutcomeUnknownException.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
