package io.floe.dataplane.cluster;

import io.floe.core.retry.Backoff;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaStoreUnavailableException;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.PrefixRead;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data node's life in etcd (DESIGN.md §8, spec.md §12.6): registers under a lease, follows the
 * desired state (tables, assignments, node endpoints) with resumable watches and converges the
 * hosted replicas to it, and publishes their status.
 *
 * <p>When the lease is lost (the store calls back before the server can have expired it) every
 * replica on the node stops taking writes at once; reads go on. The agent then registers again with
 * a new lease and reads the desired state anew, but leaderships come back only with an assignment
 * in a newer term.
 *
 * <p>All state changes run on one thread, in the order etcd reported them; replicas load on a
 * bounded pool ({@code node.load-parallelism}). What must eventually work is tried again after a
 * backoff from configuration: reading and registering in etcd ({@code etcd.retry.*}), loading a
 * replica that failed ({@code node.replica.retry.*}, 1 s growing to 30 s).
 */
public final class ClusterAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);

  private final MetaStore store;
  private final MetaKeys keys;
  private final TableRegistry registry;
  private final NodeMembership membership;
  private final DesiredState desired = new DesiredState();
  private final AssignmentConverger converger;
  private final StatusPublisher status;
  private final ScheduledExecutorService thread;
  private final ExecutorService loads;
  private final Backoff etcdBackoff;
  private final Backoff replicaBackoff;
  private final List<MetaWatch> watches = new ArrayList<>();

  private volatile Lease lease;
  private volatile boolean registered;
  private volatile boolean closed;
  private volatile long leaseLostAtNanos;
  private long generation;
  private boolean convergeQueued;
  private boolean failedRetryScheduled;

  private ClusterAgent(
      MetaStore store,
      ClusterSettings settings,
      NodeRegistration registration,
      TableHosting hosting,
      TableRegistry registry) {
    this.store = store;
    this.keys = MetaKeys.forCluster(settings.cluster());
    this.registry = registry;
    this.membership = new NodeMembership(store, keys, registration, settings.leaseTtl());
    this.status = new StatusPublisher(store, keys, registration.node(), registry);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(daemon("floe-cluster-" + registration.node()));
    this.loads =
        Executors.newFixedThreadPool(
            settings.loadParallelism(), daemon("floe-load-" + registration.node()));
    this.converger =
        new AssignmentConverger(
            registration.node(), hosting, registry, loads, thread, this::requestConverge);
    if (hosting.replication() != null) {
      hosting.replication().configure(loads, hosting::loadPartition, desired::endpointOf);
    }
    this.etcdBackoff = new Backoff(settings.etcdRetry());
    this.replicaBackoff = new Backoff(settings.replicaRetry());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Registers the node (waiting at most one lease TTL for a registration left by a dead process to
   * expire; waiting for etcd as long as it does not answer) and starts following the desired state.
   *
   * @throws NodeIdInUseException when a live process holds the node id
   */
  public static ClusterAgent start(
      MetaStore store,
      ClusterSettings settings,
      NodeRegistration registration,
      TableHosting hosting,
      TableRegistry registry) {
    ClusterAgent agent = new ClusterAgent(store, settings, registration, hosting, registry);
    try {
      agent.adopt(agent.registerAtStart(settings.leaseTtl().plusSeconds(1)));
    } catch (RuntimeException e) {
      agent.thread.shutdownNow();
      agent.loads.shutdownNow();
      throw e;
    }
    agent.thread.execute(agent::resync);
    long interval = settings.statusInterval().toMillis();
    agent.thread.scheduleWithFixedDelay(
        agent::publishStatus, interval, interval, TimeUnit.MILLISECONDS);
    return agent;
  }

  /**
   * The first registration. A node started before etcd answers — a whole cluster started at once,
   * etcd restarting or being rebuilt — waits for it and joins when it comes, as a node that lost
   * etcd later does, instead of failing its start. A live process holding the node id still fails
   * it ({@link NodeIdInUseException}).
   */
  private Lease registerAtStart(Duration waitForOther) {
    while (true) {
      try {
        Lease granted = membership.register(waitForOther);
        etcdBackoff.reset();
        return granted;
      } catch (MetaStoreUnavailableException e) {
        Duration wait = etcdBackoff.next();
        LOG.warn(
            "node {} cannot reach etcd to register: {}; trying again in {} ms",
            membership.registration().node(),
            e.getMessage(),
            wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** True while the node holds a live lease and its registration. */
  public boolean isRegistered() {
    return registered;
  }

  /** When the lease was last lost ({@link System#nanoTime}), 0 if never. */
  public long leaseLostAtNanos() {
    return leaseLostAtNanos;
  }

  public MetaKeys keys() {
    return keys;
  }

  /**
   * The manifest version the leader this node last saw assigned for the partition reported
   * (replication.md §10), 0 when unknown: one etcd read of that leader's status, which stays while
   * its lease lasts, so it is there in the second after the leader died. Any failure is "unknown".
   */
  public long manifestHint(long tableId, int partition) {
    AssignedReplica replica = converger.assigned().get(tableId + "/" + partition);
    if (replica == null || replica.assignment().leader().isEmpty()) {
      return 0;
    }
    return manifestHint(replica.assignment().leader(), tableId, partition);
  }

  /** The manifest version {@code leader} reports for the partition, 0 when unknown. */
  public long manifestHint(String leader, long tableId, int partition) {
    try {
      return store
          .get(keys.partitionStatus(leader, tableId, partition))
          .map(e -> PartitionReportParser.fromJson(e.value()))
          .flatMap(PartitionReport::replication)
          .map(PartitionReport.ReplicaProgress::manifestVersion)
          .orElse(0L);
    } catch (RuntimeException e) {
      LOG.debug("no manifest hint for {}/{}: {}", tableId, partition, e.toString());
      return 0;
    }
  }

  private void adopt(Lease granted) {
    lease = granted;
    registered = true;
    granted.whenLost(() -> onLeaseLost(granted));
  }

  // ---- lease loss and re-registration ------------------------------------------------------

  /** On a store thread, as soon as the lease is known lost: stop every write, now. */
  private void onLeaseLost(Lease lost) {
    if (closed || lost != lease) {
      return;
    }
    leaseLostAtNanos = System.nanoTime();
    registered = false;
    suspendAllWrites();
    LOG.error(
        "node {} lost its etcd lease: writes stopped on every partition; registering again",
        membership.registration().node());
    thread.execute(this::reRegister);
  }

  private void suspendAllWrites() {
    forEachPartition(p -> p.role().suspendWrites());
  }

  private void reRegister() {
    if (closed || registered) {
      return;
    }
    // Again on this thread: a convergence that ran during the callback may have opened replicas.
    suspendAllWrites();
    try {
      Lease old = lease;
      try {
        old.revoke();
      } catch (RuntimeException e) {
        old.close();
      }
      adopt(membership.register(Duration.ZERO));
      etcdBackoff.reset();
      status.reset();
      LOG.info("node {} registered again", membership.registration().node());
      resync();
    } catch (RuntimeException e) {
      LOG.warn("node {} cannot register yet: {}", membership.registration().node(), e.toString());
      retry(this::reRegister);
    }
  }

  // ---- following the desired state ---------------------------------------------------------

  /** Reads tables, assignments and nodes, watches each from its read, and converges. */
  private void resync() {
    if (closed) {
      return;
    }
    closeWatches();
    long gen = ++generation;
    try {
      PrefixRead tables = store.getPrefix(keys.tablesPrefix());
      PrefixRead assignments = store.getPrefix(keys.partitionsPrefix());
      PrefixRead nodes = store.getPrefix(keys.nodesPrefix());
      desired.resetTables(tables.entries());
      desired.resetAssignments(assignments.entries());
      desired.resetNodes(nodes.entries());
      watch(keys.tablesPrefix(), tables, gen, desired::onTableEvent);
      watch(keys.partitionsPrefix(), assignments, gen, desired::onAssignmentEvent);
      watch(keys.nodesPrefix(), nodes, gen, desired::onNodeEvent);
      etcdBackoff.reset();
    } catch (MetaStoreException e) {
      LOG.warn("cannot read the desired state: {}; retrying", e.getMessage());
      closeWatches();
      retry(this::resync);
      return;
    }
    convergeNow();
  }

  private void watch(String prefix, PrefixRead read, long gen, Consumer<WatchEvent> apply) {
    watches.add(
        store.watchPrefix(
            prefix,
            read.revision() + 1,
            new WatchListener() {
              @Override
              public void onEvent(WatchEvent event) {
                thread.execute(
                    () -> {
                      if (gen == generation) {
                        apply.accept(event);
                        requestConverge();
                      }
                    });
              }

              @Override
              public void onTerminated(MetaStoreException cause) {
                LOG.warn("watch of {} ended ({}); reading again", prefix, cause.getMessage());
                thread.execute(
                    () -> {
                      if (gen == generation) {
                        resync();
                      }
                    });
              }
            }));
  }

  private void requestConverge() {
    if (!convergeQueued) {
      convergeQueued = true;
      thread.execute(
          () -> {
            convergeQueued = false;
            convergeNow();
          });
    }
  }

  private void convergeNow() {
    if (closed || !registered) {
      return; // after re-registration, resync converges
    }
    converger.converge(desired);
    retryFailedReplicas();
  }

  /**
   * No operator step is needed after a passing fault: while some assigned replica failed to load,
   * load it again after a backoff ({@code node.replica.retry.*}); its status shows the last error.
   */
  private void retryFailedReplicas() {
    if (!converger.anyFailed()) {
      if (!converger.anyLoading()) {
        replicaBackoff.reset();
      }
      return;
    }
    if (failedRetryScheduled || closed) {
      return;
    }
    failedRetryScheduled = true;
    Duration delay = replicaBackoff.next();
    LOG.info("loading replicas that failed again in {} ms", delay.toMillis());
    thread.schedule(
        () -> {
          failedRetryScheduled = false;
          if (!closed && registered) {
            converger.retryFailed(desired);
            retryFailedReplicas();
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void publishStatus() {
    Lease current = lease;
    if (closed || !registered || current == null || !current.isAlive()) {
      return;
    }
    try {
      status.publish(converger.assigned(), current);
    } catch (RuntimeException e) {
      LOG.debug("cannot publish status yet: {}", e.toString());
      status.reset();
    }
  }

  private void retry(Runnable task) {
    if (!closed) {
      thread.schedule(task, etcdBackoff.next().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void closeWatches() {
    watches.forEach(MetaWatch::close);
    watches.clear();
  }

  private void forEachPartition(Consumer<Partition> action) {
    for (HostedTable table : registry.all()) {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null) {
          action.accept(p);
        }
      }
    }
  }

  /** Stops following etcd and revokes the lease: registration and status keys go at once. */
  @Override
  public void close() {
    closed = true;
    registered = false;
    try {
      thread.submit(this::closeWatches).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing watches: {}", e.toString());
    }
    thread.shutdownNow();
    loads.shutdownNow();
    Lease current = lease;
    if (current != null) {
      try {
        current.revoke();
      } catch (RuntimeException e) {
        current.close();
        LOG.warn("could not revoke the node's lease; it expires by itself: {}", e.getMessage());
      }
    }
  }
}
