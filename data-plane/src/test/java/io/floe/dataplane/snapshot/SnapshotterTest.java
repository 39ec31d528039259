package io.floe.dataplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionRole;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.recovery.PartitionLoader;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifestParser;
import io.floe.storage.object.ForwardingObjectStore;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.memory.InMemoryObjectStore;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SnapshotterTest {
  /** A store whose snapshot uploads wait until released: S3 as slow as it gets. */
  static final class SlowUploads extends ForwardingObjectStore {
    final CountDownLatch uploading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SlowUploads() {
      super(new InMemoryObjectStore());
    }

    @Override
    public ObjectInfo putStream(String key, InputStream data, boolean ifAbsent) {
      uploading.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.putStream(key, data, ifAbsent);
    }
  }

  @TempDir Path temp;
  final SlowUploads store = new SlowUploads();
  final WalShipper shipper =
      new WalShipper(
          store, "n1", 1, WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(10)));

  @AfterEach
  void close() {
    store.release.countDown();
    shipper.close();
  }

  /** A store whose manifest commits take a few milliseconds, as S3's do. */
  static final class SlowCommits extends ForwardingObjectStore {
    SlowCommits() {
      super(new InMemoryObjectStore());
    }

    @Override
    public ObjectInfo createIfAbsent(String key, byte[] data) {
      if (key.contains("/manifests/")) {
        try {
          Thread.sleep(3);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.createIfAbsent(key, data);
    }
  }

  Partition loadedPartition(Schema schema) throws Exception {
    return loadedPartition(schema, store, shipper);
  }

  Partition loadedPartition(Schema schema, ObjectStore store, WalShipper shipper) throws Exception {
    Partition p = new Partition(4, 0, new MemoryBudget(1L << 30), shipper);
    new PartitionLoader(store, shipper, temp).load(p, schema, 1);
    for (long id = 1; id <= 20; id++) {
      write(p, id);
    }
    return p;
  }

  private static void write(Partition p, long id) throws Exception {
    Row row = new Row(id, "n" + id);
    p.write(
            List.of(PartitionWrite.put(IdNameTable.KEYS.encode(row), IdNameTable.ROWS.encode(row))),
            -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void snapshotsAndCheckpointsOfOnePartitionNeverLoseTheirCommitsToEachOther() throws Exception {
    SlowCommits slow = new SlowCommits();
    try (WalShipper ships =
        new WalShipper(
            slow, "n1", 1, WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(5)))) {
      Partition p = loadedPartition(IdNameTable.SCHEMA, slow, ships);
      Snapshotter snapshotter = new Snapshotter(slow, ships, SnapshotWriteOptions.defaults(), temp);
      AtomicBoolean done = new AtomicBoolean();
      // The scheduler's checkpoint thread: a checkpoint whenever something was shipped.
      CompletableFuture<Integer> checkpointing =
          CompletableFuture.supplyAsync(
              () -> {
                int committed = 0;
                long id = 1_000;
                while (!done.get()) {
                  try {
                    write(p, id++);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  if (snapshotter.checkpoint(p, IdNameTable.SCHEMA).isPresent()) {
                    committed++;
                  }
                }
                return committed;
              });
      try {
        for (int i = 0; i < 25; i++) {
          write(p, 100_000 + i); // each snapshot at a new offset
          snapshotter.snapshot(p, IdNameTable.SCHEMA); // a lost commit throws
        }
      } finally {
        done.set(true);
      }
      int checkpoints = checkpointing.get(30, TimeUnit.SECONDS);
      assertThat(checkpoints).isPositive();
      assertThat(snapshotter.committed().failures()).isZero();
      // 1 from the load, 25 snapshots, every checkpoint: nothing committed was overwritten
      assertThat(VersionedObjects.partitionManifests(slow, 4, 0).latest().orElseThrow().version())
          .isEqualTo(1 + 25 + checkpoints);
    }
  }

  @Test
  void aLeaderChangeNeverWaitsForASnapshotUpload() throws Exception {
    Partition p = loadedPartition(IdNameTable.SCHEMA);
    Snapshotter snapshotter =
        new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), temp);
    CompletableFuture<PartitionManifest> snapshot =
        CompletableFuture.supplyAsync(() -> snapshotter.snapshot(p, IdNameTable.SCHEMA));
    assertThat(store.uploading.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> demoted =
        CompletableFuture.runAsync(() -> p.becomeFollower(2, "other:1"));
    // the upload is still held: the role change must complete regardless
    await().atMost(Duration.ofSeconds(5)).until(demoted::isDone);
    assertThat(p.currentRole()).isEqualTo(PartitionRole.FOLLOWER);
    assertThat(snapshot).isNotDone();

    store.release.countDown();
    // the demoted node does not commit the snapshot it wrote: the partition is not led here now
    assertThatThrownBy(() -> snapshot.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(SnapshotAbandonedException.class);
    assertThat(VersionedObjects.partitionManifests(store, 4, 0).latest().orElseThrow().version())
        .isEqualTo(1);
  }

  @Test
  void manifestsCarryTheTableSchemaId() throws Exception {
    Schema schema = new Schema(3, IdNameTable.SCHEMA.columns(), IdNameTable.SCHEMA.primaryKey());
    store.release.countDown();
    Partition p = loadedPartition(schema);
    new Snapshotter(store, shipper, SnapshotWriteOptions.defaults(), temp).snapshot(p, schema);
    VersionedObjects versions = VersionedObjects.partitionManifests(store, 4, 0);
    for (long v = 1; v <= 2; v++) {
      PartitionManifest m = PartitionManifestParser.fromJson(store.get(versions.keyOf(v)), v);
      assertThat(m.schemaId()).as("manifest %d", v).isEqualTo(3);
    }
  }
}
