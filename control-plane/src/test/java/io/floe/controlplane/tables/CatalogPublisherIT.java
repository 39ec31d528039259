package io.floe.controlplane.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.controlplane.tables.TableService.CreateRequest;
import io.floe.core.table.SchemaParser;
import io.floe.storage.catalog.Catalog;
import io.floe.storage.catalog.CatalogParser;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.storage.object.ForwardingObjectStore;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStoreException;
import io.floe.storage.object.memory.InMemoryObjectStore;
import io.floe.testsupport.etcd.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog in S3 follows every DDL (spec.md §9), on a real etcd; the object store is in memory
 * so that its failures can be injected.
 */
class CatalogPublisherIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final String SCHEMA =
      "{\"format-version\": 1, \"schema-id\": 1, \"columns\": ["
          + "{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false},"
          + "{\"name\": \"v\", \"type\": \"string\", \"nullable\": true}],"
          + " \"primary-key\": [\"id\"]}";

  private final String cluster = "catalog-it-" + System.nanoTime();
  private final MetaKeys keys = MetaKeys.forCluster(cluster);
  private final FlakyStore objects = new FlakyStore();
  private final VersionedObjects catalogs = VersionedObjects.catalog(objects);
  private MetaStore store;
  private CatalogPublisher publisher;
  private TableService tables;

  @BeforeEach
  void start() {
    store = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    store.put(
        keys.node("a"),
        NodeRegistrationParser.toBytes(new NodeRegistration("a", "127.0.0.1:1", 1, 1 << 30, 0)));
    publisher = new CatalogPublisher(store, keys, cluster, catalogs);
    tables = new TableService(store, keys, System::currentTimeMillis, Optional.of(publisher));
  }

  @AfterEach
  void stop() {
    store.close();
  }

  private CatalogTable create(String name) {
    return tables.create(
        new CreateRequest(
            name, SchemaParser.fromJson(SCHEMA), 2, 1, Optional.empty(), OptionalLong.of(60_000)));
  }

  private Catalog newest() {
    VersionedObjects.Version v = catalogs.latest().orElseThrow();
    return CatalogParser.fromJson(v.bytes(), v.version());
  }

  @Test
  void everyDdlCommitsAVersionThatDescribesEtcd() {
    CatalogTable orders = create("shop.orders");
    Catalog first = newest();
    assertThat(first.version()).isEqualTo(1);
    assertThat(first.cluster()).isEqualTo(cluster);
    assertThat(first.tables()).containsExactly(orders);
    assertThat(first.nextTid()).isEqualTo(orders.tid() + 1);

    CatalogTable users = create("shop.users");
    assertThat(newest().version()).isEqualTo(2);
    assertThat(newest().tables()).containsExactly(orders, users);

    CatalogTable dropped = tables.drop("shop.orders");
    Catalog afterDrop = newest();
    assertThat(afterDrop.version()).isEqualTo(3);
    assertThat(afterDrop.table(orders.tid())).contains(dropped);
    assertThat(dropped.state()).isEqualTo(TableState.DROPPED);
    assertThat(afterDrop.nextTid()).isEqualTo(users.tid() + 1);

    tables.undrop("shop.orders");
    assertThat(newest().version()).isEqualTo(4);
    assertThat(newest().table(orders.tid()).orElseThrow().state()).isEqualTo(TableState.ACTIVE);

    // Nothing changed in etcd: the newest version stands, no new one.
    assertThat(publisher.publish()).isEqualTo(4);
    assertThat(catalogs.latestVersion()).hasValue(4);
  }

  @Test
  void aDdlWhoseCatalogWriteFailedStandsAndTheNextPassWritesIt() {
    create("shop.orders");
    objects.failing.set(true);
    CatalogTable users = create("shop.users"); // etcd took it; S3 refused the catalog
    assertThat(newest().version()).isEqualTo(1);
    assertThat(newest().table(users.tid())).isEmpty();
    assertThatThrownBy(publisher::publish).isInstanceOf(ObjectStoreException.class);

    objects.failing.set(false);
    assertThat(publisher.publish()).isEqualTo(2);
    assertThat(newest().table(users.tid())).contains(users);
  }

  @Test
  void anUnreadableNewestVersionIsSupersededByAWholeOne() {
    CatalogTable orders = create("shop.orders");
    objects.createIfAbsent(catalogs.keyOf(2), "{\"format-version\": 1, \"trunc".getBytes());
    assertThat(publisher.publish()).isEqualTo(3);
    assertThat(newest().tables()).containsExactly(orders);
  }

  @Test
  void racingWritersLeaveDenseVersionsEndingInEtcdsState() throws Exception {
    create("shop.orders");
    List<CatalogPublisher> writers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // Separate instances, as an old and a new control-plane leader would be.
      writers.add(new CatalogPublisher(store, keys, cluster, VersionedObjects.catalog(objects)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        create("shop.t" + round);
        List<Future<Long>> done = new ArrayList<>();
        for (CatalogPublisher w : writers) {
          done.add(pool.submit((Callable<Long>) w::publish));
        }
        for (Future<Long> f : done) {
          f.get();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Catalog last = newest();
    assertThat(last.tables()).hasSize(6);
    long count =
        objects.list("catalog/").map(ObjectInfo::key).filter(k -> k.endsWith(".json")).count();
    assertThat(count).isEqualTo(last.version()); // dense: 1..last, no gap, no overwrite
    for (long v = 1; v <= last.version(); v++) {
      assertThat(CatalogParser.fromJson(catalogs.read(v), v).version()).isEqualTo(v);
    }
  }

  /** In memory; refuses writes while {@link #failing}. */
  private static final class FlakyStore extends ForwardingObjectStore {
    final AtomicBoolean failing = new AtomicBoolean();

    FlakyStore() {
      super(new InMemoryObjectStore());
    }

    @Override
    public ObjectInfo createIfAbsent(String key, byte[] data) {
      if (failing.get()) {
        throw new ObjectStoreException("injected: S3 is unavailable (" + key + ")", false, null);
      }
      return super.createIfAbsent(key, data);
    }
  }
}
