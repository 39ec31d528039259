package io.floe.storage.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.storage.object.S3ObjectStore;
import io.floe.storage.object.S3Stores;
import io.floe.testsupport.s3.S3Extension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Manifest commits against a real S3 endpoint (S3Proxy): its {@code If-None-Match: *} is what makes
 * exactly one of several committers of a version win.
 */
class VersionedObjectsS3IT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private final List<S3ObjectStore> stores = new ArrayList<>();

  @BeforeEach
  void open() {
    stores.add(S3Stores.open(S3));
  }

  @AfterEach
  void close() {
    stores.forEach(S3ObjectStore::close);
  }

  @Test
  void concurrentCommittersOfEachVersionHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (long version = 1; version <= 3; version++) {
        List<Callable<String>> committers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          // Each committer has its own client (its own connections), like separate processes.
          S3ObjectStore own = S3Stores.open(S3);
          stores.add(own);
          VersionedObjects manifests = VersionedObjects.partitionManifests(own, 9, 1);
          long v = version;
          String doc = "{\"writer\":" + w + "}";
          committers.add(
              () -> {
                try {
                  manifests.commit(v, doc.getBytes(StandardCharsets.UTF_8));
                  return doc;
                } catch (CommitFailedException e) {
                  assertThat(e.version()).isEqualTo(v);
                  return null;
                }
              });
        }
        List<String> winners = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(committers, 60, TimeUnit.SECONDS)) {
          if (f.get() != null) {
            winners.add(f.get());
          }
        }

        assertThat(winners).as("winners of version %d", version).hasSize(1);
        VersionedObjects reader = VersionedObjects.partitionManifests(stores.get(0), 9, 1);
        VersionedObjects.Version latest = reader.latest().orElseThrow();
        assertThat(latest.version()).isEqualTo(version);
        assertThat(new String(latest.bytes(), StandardCharsets.UTF_8)).isEqualTo(winners.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLateCommitOfAnExistingVersionFailsTypedAndLeavesTheWinner() {
    VersionedObjects manifests = VersionedObjects.partitionManifests(stores.get(0), 9, 2);
    manifests.commit(1, "first".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> manifests.commit(1, "late".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            CommitFailedException.class, e -> assertThat(e.version()).isEqualTo(1));
    assertThat(new String(manifests.read(1), StandardCharsets.UTF_8)).isEqualTo("first");
  }
}
