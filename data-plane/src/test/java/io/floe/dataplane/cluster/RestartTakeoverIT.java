package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.PipelinedConnection;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed with {@code kill -9} and started again with the same id takes over its own
 * registration at once (spec.md §12.4): its predecessor is provably dead (nothing listens at its
 * endpoint any more), so it does not wait out the dead lease (30 s here) before it serves. Prints
 * the restart-to-serving time of a node with several partitions loaded from S3.
 */
@Timeout(180)
class RestartTakeoverIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private static final String NODE = "k1";
  private static final String TABLE = "db.restart";
  private static final long TID = 77;
  private static final int PARTITIONS = 8;
  private static final int ROWS = 80_000;

  /** Long enough that registering after the old lease expired cannot pass for a takeover. */
  private static final Duration TTL =
      Duration.ofSeconds(Long.getLong("floe.it.restart-lease-ttl-seconds", 30));

  private static final MetaKeys KEYS = MetaKeys.forCluster(ClusterNodes.CLUSTER);

  private MetaStore admin;

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void aNodeRestartedAfterKillNineTakesOverItsRegistrationWithoutWaitingForTheOldLease()
      throws Exception {
    admin = EtcdMetaStore.connect(MetaStoreConfig.of(ETCD.endpoints()));
    try (NodeProcess node = new NodeProcess(settings()).start()) {
      MetaEntry first =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(this::registration, e -> e.isPresent())
              .orElseThrow();
      new AssignmentAdmin(admin, ClusterNodes.CLUSTER).createTable(table(), List.of(NODE));
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        awaitServing(c);
        write(c);
      }

      node.kill();
      long killed = System.nanoTime();
      node.start();
      MetaEntry second =
          await()
              .atMost(TTL.plusSeconds(15))
              .pollInterval(Duration.ofMillis(20))
              .ignoreExceptions()
              .until(this::registration, e -> e.isPresent() && isNewer(e.get(), first))
              .orElseThrow();
      double registeredAfter = (System.nanoTime() - killed) / 1e9;
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 32)) {
        awaitServing(c);
        double servingAfter = (System.nanoTime() - killed) / 1e9;
        System.out.printf(
            "[restart-it] %d partitions, %d rows, lease ttl %d s: registered %.2f s and serving"
                + " %.2f s after kill -9%n",
            PARTITIONS, ROWS, TTL.toSeconds(), registeredAfter, servingAfter);
        for (long id = 0; id < ROWS; id += 997) {
          Response r = c.call(new Request.Get(TABLE, IdNameTable.KEYS.encodeKey(id)));
          assertThat(r).isInstanceOf(Response.Got.class);
          assertThat(((Response.Got) r).row()).isNotNull();
        }
      }
      // The dead process's lease had most of its TTL to run: the new one did not wait for it.
      assertThat(registeredAfter).isLessThan(TTL.toSeconds() / 2.0);
      assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
    }
  }

  private Optional<MetaEntry> registration() {
    return admin.get(KEYS.node(NODE));
  }

  private static boolean isNewer(MetaEntry entry, MetaEntry old) {
    NodeRegistration now = NodeRegistrationParser.fromJson(entry.value());
    return now.incarnation() != NodeRegistrationParser.fromJson(old.value()).incarnation();
  }

  private static void awaitServing(PipelinedConnection c) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(
            () -> {
              Response r = c.call(new Request.TableStatus(TABLE, -1));
              return r instanceof Response.Statuses s
                  && s.partitions().size() == PARTITIONS
                  && s.partitions().stream().allMatch(p -> p.state() == PartitionState.NORMAL);
            });
  }

  private static void write(PipelinedConnection c) throws Exception {
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    List<Request.Write> batch = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      batch.add(Request.Write.put(IdNameTable.ROWS.encode(new Row(id, "value-" + id))));
      if (batch.size() == 1000) {
        acks.add(c.send(new Request.BatchWrite(TABLE, batch)));
        batch = new ArrayList<>();
      }
    }
    c.flush();
    for (CompletableFuture<Response> ack : acks) {
      assertThat(ack.get(60, TimeUnit.SECONDS)).isInstanceOf(Response.BatchWritten.class);
    }
  }

  private static CatalogTable table() {
    return new CatalogTable(
        TID,
        "db",
        "restart",
        IdNameTable.SCHEMA,
        PARTITIONS,
        1,
        Durability.S3,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  private static Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("node.id", NODE);
    s.put(MetaStoreConfig.ENDPOINTS, String.join(",", ETCD.endpoints()));
    s.put(ClusterSettings.CLUSTER, ClusterNodes.CLUSTER);
    s.put(ClusterSettings.LEASE_TTL, TTL.toSeconds() + "s");
    s.put(ClusterSettings.STATUS_INTERVAL, "200ms");
    s.put("snapshot.wal-bytes", Long.toString(1L << 40));
    s.put("node.memory-limit-bytes", Long.toString(512L << 20));
    s.put(ObjectStoreConfig.ENDPOINT, S3.endpoint().toString());
    s.put(ObjectStoreConfig.PATH_STYLE, "true");
    s.put(ObjectStoreConfig.BUCKET, S3.bucket());
    s.put(ObjectStoreConfig.REGION, S3.region());
    s.put(ObjectStoreConfig.ACCESS_KEY, S3.accessKey());
    s.put(ObjectStoreConfig.SECRET_KEY, S3.secretKey());
    return s;
  }
}
