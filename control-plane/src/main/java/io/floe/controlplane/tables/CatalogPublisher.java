package io.floe.controlplane.tables;

import io.floe.controlplane.cluster.ClusterView;
import io.floe.core.retry.Resilience;
import io.floe.core.retry.ResilienceSettings;
import io.floe.storage.catalog.Catalog;
import io.floe.storage.catalog.CatalogParser;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.commit.CommitFailedException;
import io.floe.storage.commit.CommitStateUnknownException;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's catalog in S3 (spec.md §9) equal to the tables etcd holds, live and
 * soft-dropped, so that etcd's table metadata can be rebuilt without etcd: after every DDL, and on
 * the leader's periodic pass (which repairs a DDL whose catalog write failed), it commits a new
 * version unless the newest one already says the same.
 *
 * <p>Every version is derived from etcd, never edited: two writers that race (an old leader and a
 * new one) each re-read etcd after losing, and only commit when the newest version still differs,
 * so the catalog converges on etcd's state whichever wins.
 */
public final class CatalogPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogPublisher.class);

  private static final ResilienceSettings COMMIT_RETRY =
      ResilienceSettings.retryOnly(5, Duration.ofMillis(20), Duration.ofMillis(500), 0.5);

  private final MetaStore store;
  private final MetaKeys keys;
  private final String cluster;
  private final VersionedObjects catalogs;
  private final Resilience commitRetry =
      Resilience.of(
          "catalog-commit",
          COMMIT_RETRY,
          e -> e instanceof CommitFailedException || e instanceof CommitStateUnknownException);

  /**
   * @param catalogs the cluster's catalog versions ({@link VersionedObjects#catalog}, under the
   *     cluster's S3 root)
   */
  public CatalogPublisher(
      MetaStore store, MetaKeys keys, String cluster, VersionedObjects catalogs) {
    this.store = store;
    this.keys = keys;
    this.cluster = cluster;
    this.catalogs = catalogs;
  }

  /**
   * Makes the newest catalog version describe what etcd holds now. Returns that version (a new one,
   * or the newest when it already did).
   *
   * @throws io.floe.storage.object.ObjectStoreException when S3 cannot be read or written
   */
  public synchronized long publish() {
    return commitRetry.call(this::publishOnce);
  }

  private long publishOnce() {
    Optional<VersionedObjects.Version> latest = catalogs.latest();
    long next = latest.map(v -> v.version() + 1).orElse(1L);
    Catalog wanted = fromEtcd(next);
    if (latest.isPresent() && describesTheSame(latest.get(), wanted)) {
      return latest.get().version();
    }
    catalogs.commit(next, CatalogParser.toJson(wanted).getBytes(StandardCharsets.UTF_8));
    LOG.info(
        "catalog version {} committed: {} tables (live and dropped), next table id {}",
        next,
        wanted.tables().size(),
        wanted.nextTid());
    return next;
  }

  /** The catalog etcd describes now, numbered {@code version}. */
  Catalog fromEtcd(long version) {
    ClusterView view = ClusterView.read(store, keys);
    long nextTid = TableService.nextTableId(store.get(keys.sequence("tid")), view);
    List<CatalogTable> tables = new ArrayList<>(view.tables());
    tables.addAll(view.dropped());
    tables.sort(Comparator.comparingLong(CatalogTable::tid));
    return new Catalog(version, cluster, nextTid, List.copyOf(tables));
  }

  private boolean describesTheSame(VersionedObjects.Version newest, Catalog wanted) {
    Catalog current;
    try {
      current = CatalogParser.fromJson(newest.bytes(), newest.version());
    } catch (RuntimeException e) {
      // A version no reader can use: the next one, written whole, takes its place.
      LOG.warn(
          "catalog version {} cannot be read ({}); writing the next one",
          newest.version(),
          e.toString());
      return false;
    }
    return current.cluster().equals(wanted.cluster())
        && current.nextTid() == wanted.nextTid()
        && current.tables().equals(wanted.tables());
  }
}
