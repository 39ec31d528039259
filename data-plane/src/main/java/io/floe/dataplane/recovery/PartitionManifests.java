package io.floe.dataplane.recovery;

import io.floe.dataplane.wal.PartitionKey;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.manifest.NextManifest;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifestParser;
import io.floe.storage.object.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's manifest versions ({@code tables/{tid}/partitions/{pid}/manifests/}): the newest
 * one, and the create-if-absent commit of the next. Committed when a node starts leading the
 * partition, after each snapshot and at each checkpoint (about once a second while it ships), never
 * per WAL flush.
 */
public final class PartitionManifests {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionManifests.class);

  private final VersionedObjects versions;
  private final long tableId;
  private final int partitionId;
  private volatile CompletableFuture<Void> warming = CompletableFuture.completedFuture(null);

  public PartitionManifests(ObjectStore store, long tableId, int partitionId) {
    this.versions = VersionedObjects.partitionManifests(store, tableId, partitionId);
    this.tableId = tableId;
    this.partitionId = partitionId;
  }

  /**
   * The newest manifest, or an empty version 0 (of {@code schemaId}) when the partition has none.
   */
  public PartitionManifest latest(int schemaId) {
    warming.join(); // a read under way: wait for it rather than probe the same versions twice
    Optional<VersionedObjects.Version> v = versions.latest();
    if (v.isEmpty()) {
      return NextManifest.empty(tableId, partitionId, schemaId);
    }
    return PartitionManifestParser.fromJson(v.get().bytes(), v.get().version());
  }

  /**
   * Reads the newest manifest on {@code executor}, unless a read is under way: a replica about to
   * be promoted (it was just prepared for a new term) then finds it read, and its promotion only
   * checks that no newer one came (replication.md §7.2). A failure is left to that promotion's own
   * read.
   */
  public void warm(Executor executor) {
    warm(executor, () -> 0);
  }

  /**
   * Like {@link #warm(Executor)}, first taking {@code hint} (a version known committed, 0 when
   * none) as the place to start looking from: the previous leader's reported version
   * (replication.md §10) spares a search up from the version this node read long ago.
   */
  public void warm(Executor executor, java.util.function.LongSupplier hint) {
    if (!warming.isDone()) {
      return;
    }
    warming =
        CompletableFuture.runAsync(
                () -> {
                  long known = hint.getAsLong();
                  if (known > 0) {
                    versions.seen(known);
                  }
                  versions.latest();
                },
                executor)
            .exceptionally(
                e -> {
                  LOG.debug(
                      "reading the newest manifest of {}/{} ahead: {}",
                      tableId,
                      partitionId,
                      e.toString());
                  return null;
                });
  }

  /** {@code version} is known committed: the next read of the newest starts there. */
  public void seen(long version) {
    versions.seen(version);
  }

  /**
   * Commits {@code next} (whose version is one more than the manifest it was built from).
   *
   * @throws io.floe.storage.commit.CommitFailedException when another writer committed it first
   */
  public void commit(PartitionManifest next) {
    versions.commit(
        next.version(), PartitionManifestParser.toJson(next).getBytes(StandardCharsets.UTF_8));
  }

  public String keyOf(long version) {
    return versions.keyOf(version);
  }

  /**
   * One {@link PartitionManifests} per partition for as long as the node runs, so that each
   * remembers the newest version it saw and the next read lists only the keys after it.
   */
  public static final class Registry {
    private final ObjectStore store;
    private final Map<PartitionKey, PartitionManifests> byPartition = new ConcurrentHashMap<>();

    public Registry(ObjectStore store) {
      this.store = store;
    }

    public PartitionManifests of(long tableId, int partitionId) {
      return byPartition.computeIfAbsent(
          new PartitionKey(tableId, partitionId),
          k -> new PartitionManifests(store, tableId, partitionId));
    }
  }
}
