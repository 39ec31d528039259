package io.floe.controlplane;

import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.NodeLinks;
import io.floe.controlplane.failover.Failover;
import io.floe.controlplane.failover.NodeMonitor;
import io.floe.controlplane.ops.AddReplica;
import io.floe.controlplane.ops.ChangeLeader;
import io.floe.controlplane.ops.DelReplica;
import io.floe.controlplane.ops.EndpointKind;
import io.floe.controlplane.ops.Migrate;
import io.floe.controlplane.ops.OpType;
import io.floe.controlplane.ops.OperationEngine;
import io.floe.controlplane.ops.OperationStore;
import io.floe.controlplane.ops.ReAddReplica;
import io.floe.controlplane.ops.RecoverTable;
import io.floe.controlplane.ops.UpdateTableAlive;
import io.floe.controlplane.tables.CatalogPublisher;
import io.floe.controlplane.tables.TableService;
import io.floe.storage.commit.VersionedObjects;
import io.floe.storage.meta.LeaderElection;
import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.object.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One control-plane replica, without its HTTP layer: it campaigns in etcd ({@code
 * election/control-plane}) and, while it leads, runs the failure detector, automatic failover and
 * the operations. Every replica answers reads from etcd; writes need the leader ({@link
 * #requireLeader}). It holds no state of its own: a replica that takes over reads everything from
 * etcd and resumes the operations where they stand.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  static final Duration LEASE_TTL = Duration.ofSeconds(3);

  private final ControlPlaneSettings settings;
  private final MetaStore store;
  private final MetaKeys keys;
  private final NodeLinks links;
  private final NodeLinks opLinks;
  private final NodeMonitor monitor;
  private final OperationStore opStore;
  private final OperationEngine engine;
  private final ClusterConfig config;
  private final TableService tables;
  private final Optional<CatalogPublisher> catalog;
  private final Failover failover;
  private final LeaderElection election;
  private final ScheduledExecutorService heartbeats;
  // Its own thread: an S3 call that hangs must not hold up the failure detector's heartbeats.
  private final ScheduledExecutorService catalogs = daemonScheduler("floe-catalog");
  // Its own thread too: the heartbeat can spend seconds writing operations to a slow etcd, and the
  // nodes must be asked all the while, or a real death is only noticed once it is done.
  private final ScheduledExecutorService pinger = daemonScheduler("floe-pinger");
  private final ExecutorService pings;
  private volatile Leadership leadership;
  private volatile CompletableFuture<Leadership> campaign;
  private volatile Lease lease;
  private volatile boolean closed;

  /** Without S3: no catalog is written (a control plane for tests of what does not need one). */
  public ControlPlane(ControlPlaneSettings settings, MetaStore store) {
    this(settings, store, Optional.empty());
  }

  /**
   * @param objects the cluster's S3 root ({@code {s3.prefix}/{cluster}/}), where the catalog goes
   */
  public ControlPlane(
      ControlPlaneSettings settings, MetaStore store, Optional<ObjectStore> objects) {
    this.settings = settings;
    this.store = store;
    this.keys = MetaKeys.forCluster(settings.cluster());
    this.catalog =
        objects.map(
            o ->
                new CatalogPublisher(store, keys, settings.cluster(), VersionedObjects.catalog(o)));
    this.heartbeats = daemonScheduler("floe-heartbeat");
    this.links = new NodeLinks(settings.deadAfter(), this::connectionLost);
    AtomicInteger n = new AtomicInteger();
    this.pings =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "floe-ping-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.monitor =
        new NodeMonitor(
            endpoint ->
                links.call(
                    endpoint,
                    admin -> {
                      admin.ping();
                      return null;
                    }),
            pings,
            System::nanoTime,
            settings.deadAfter(),
            this::heartbeatNow);
    this.opStore = new OperationStore(store, keys, System::currentTimeMillis);
    this.config = new ClusterConfig(store, keys);
    this.tables = new TableService(store, keys, System::currentTimeMillis, catalog);
    this.opLinks = new NodeLinks(Duration.ofSeconds(10));
    LongSupplier clock = System::currentTimeMillis;
    ChangeLeader changeLeader = new ChangeLeader(store, keys, opLinks, monitor::alive, clock);
    this.engine =
        new OperationEngine(
            opStore,
            List.of(
                changeLeader,
                new ReAddReplica(store, keys, clock),
                new AddReplica(OpType.AddReplica, store, keys, clock),
                new DelReplica(store, keys, clock),
                new Migrate(store, keys, changeLeader, clock),
                new UpdateTableAlive(store, keys),
                new RecoverTable(store, keys, clock),
                new EndpointKind(OpType.OfflineEndpoint, store, keys, this::engine, opStore, clock),
                new EndpointKind(
                    OpType.RecoverEndpoint, store, keys, this::engine, opStore, clock)),
            this::leading,
            System::currentTimeMillis,
            settings.operationThreads());
    this.failover = new Failover(store, keys, monitor, engine, opStore, config);
    this.election = store.election(keys.election("control-plane"));
  }

  /** Starts campaigning; the heartbeat runs while leading. */
  public ControlPlane start() {
    campaign();
    long period = settings.heartbeatInterval().toMillis();
    heartbeats.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    pinger.scheduleWithFixedDelay(this::ping, period, period, TimeUnit.MILLISECONDS);
    if (catalog.isPresent()) {
      long every = settings.catalogInterval().toMillis();
      catalogs.scheduleWithFixedDelay(this::publishCatalog, 0, every, TimeUnit.MILLISECONDS);
    } else {
      LOG.warn(
          "no s3.bucket configured: the catalog is not written to S3, so etcd's tables could not"
              + " be rebuilt from S3 alone");
    }
    return this;
  }

  private void campaign() {
    if (closed) {
      return;
    }
    try {
      Lease l = store.grantLease(LEASE_TTL);
      lease = l;
      CompletableFuture<Leadership> c = election.campaign(settings.advertisedUrl(), l, this::lost);
      campaign = c;
      // A lease lost while waiting to lead would leave a candidacy that can never win: end it, and
      // the failure path below campaigns again with a new lease.
      l.whenLost(
          () -> {
            if (!c.isDone()) {
              c.cancel(true);
            }
          });
      c.whenComplete(
          (won, error) -> {
            if (error != null) {
              // The candidacy key may be in etcd although the call failed (an etcd member went
              // away mid-call): it must go with its lease, or it stays ahead of this replica's next
              // candidacy — and of every other replica's — for as long as the lease is kept alive,
              // and no one ever leads again.
              if (!closed) {
                LOG.warn("campaign failed: {}; trying again", error.toString());
                heartbeats.execute(() -> release(l)); // off the store's callback thread
                heartbeats.schedule(this::campaign, 1, TimeUnit.SECONDS);
              } else {
                release(l);
              }
              return;
            }
            monitor.reset();
            leadership = won;
            LOG.info(
                "{} leads the control plane of cluster {}",
                settings.advertisedUrl(),
                settings.cluster());
            engine.wake();
          });
    } catch (RuntimeException e) {
      LOG.warn("cannot campaign ({}); trying again", e.toString());
      heartbeats.schedule(this::campaign, 1, TimeUnit.SECONDS);
    }
  }

  /** Revokes {@code l} (its keys go at once), or at least stops keeping it alive. */
  private static void release(Lease l) {
    try {
      l.revoke();
    } catch (RuntimeException e) {
      LOG.debug("cannot revoke lease ({}); letting it expire", e.toString());
      l.close();
    }
  }

  private void lost() {
    LOG.warn("{} lost the control plane's leadership", settings.advertisedUrl());
    leadership = null;
    Lease l = lease;
    if (l != null) {
      try {
        l.close();
      } catch (Exception e) {
        LOG.debug("closing a lost lease: {}", e.toString());
      }
    }
    heartbeats.schedule(this::campaign, 100, TimeUnit.MILLISECONDS);
  }

  /** The leader's pass: the catalog in S3 catches up with etcd (a DDL whose write failed). */
  private void publishCatalog() {
    if (!leading()) {
      return;
    }
    try {
      catalog.orElseThrow().publish();
    } catch (RuntimeException e) {
      LOG.warn("cannot write the catalog to S3: {}; trying again", e.toString());
    }
  }

  private void connectionLost(String endpoint) {
    monitor.connectionLost(endpoint);
  }

  /** A node's process is gone: detect and fail over now rather than at the next heartbeat. */
  private void heartbeatNow() {
    try {
      heartbeats.execute(this::heartbeat);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private static ScheduledExecutorService daemonScheduler(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }

  private void ping() {
    if (leading()) {
      monitor.pingWatched();
    }
  }

  private void heartbeat() {
    if (!leading()) {
      return;
    }
    try {
      failover.heartbeat();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat: {}", e.toString());
    }
  }

  public boolean leading() {
    Leadership l = leadership;
    return l != null && l.isHeld() && !closed;
  }

  /** The leader's base URL, if one is elected. */
  public Optional<String> leader() {
    if (leading()) {
      return Optional.of(settings.advertisedUrl());
    }
    try {
      return election.leader();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * @throws ControlException {@code NOT_LEADER} naming the leader, when this replica does not lead
   */
  public void requireLeader() {
    if (!leading()) {
      String leader = leader().orElse(null);
      throw new ControlException(
          Problem.NOT_LEADER,
          leader == null
              ? "no control plane leads right now; try again in a few seconds"
              : "this control plane does not lead; send writes to " + leader,
          leader);
    }
  }

  public ControlPlaneSettings settings() {
    return settings;
  }

  public ClusterView view() {
    return ClusterView.read(store, keys);
  }

  public TableService tables() {
    return tables;
  }

  public OperationEngine engine() {
    return engine;
  }

  public OperationStore operations() {
    return opStore;
  }

  public ClusterConfig config() {
    return config;
  }

  public Failover failover() {
    return failover;
  }

  public NodeMonitor monitor() {
    return monitor;
  }

  @Override
  public void close() {
    closed = true;
    heartbeats.shutdownNow();
    pinger.shutdownNow();
    catalogs.shutdownNow();
    engine.close();
    CompletableFuture<Leadership> c = campaign;
    if (c != null) {
      c.cancel(true);
    }
    Leadership l = leadership;
    if (l != null && l.isHeld()) {
      l.resign();
    }
    pings.shutdownNow();
    links.close();
    opLinks.close();
  }
}
