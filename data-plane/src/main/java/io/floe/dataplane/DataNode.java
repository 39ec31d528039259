package io.floe.dataplane;

import io.floe.dataplane.cluster.ClusterAgent;
import io.floe.dataplane.expiry.ExpirySweeper;
import io.floe.dataplane.metrics.DurabilityMetrics;
import io.floe.dataplane.metrics.MetricsServer;
import io.floe.dataplane.metrics.NodeMetrics;
import io.floe.dataplane.metrics.PartitionMetrics;
import io.floe.dataplane.metrics.ReplicationMetrics;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.recovery.NodeDurability;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.replication.ReplicationSettings;
import io.floe.dataplane.server.DataServer;
import io.floe.dataplane.server.RequestProcessor;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data-plane node: hosted tables in memory, served over the data protocol. {@link #main} runs it
 * as a process until SIGTERM/SIGINT, then shuts down cleanly: stop accepting, answer what is in
 * flight, close the WAL sinks (which flush).
 *
 * <p>Its meters are always kept; with {@code node.metrics-port} set it serves them to Prometheus.
 */
public final class DataNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataNode.class);

  private final NodeConfig config;
  private final TableRegistry tables;
  private final MemoryBudget budget;
  private final WalSinks sinks;
  private final DataServer server;
  private final String endpoint;
  private final TableHosting hosting;
  private final long startTimeMs = System.currentTimeMillis();
  private final long incarnation;
  private MetaStore metaStore;
  private volatile ClusterAgent cluster;

  private final NodeDurability durability;
  private final Replication replication;
  private final ExpirySweeper expirySweeper;
  private final NodeMetrics metrics;
  private MetricsServer metricsServer;

  private DataNode(NodeConfig config, WalSinks sinks, NodeDurability durability) {
    this.config = config;
    this.metrics = new NodeMetrics(config.nodeId());
    this.tables = new TableRegistry();
    this.budget = new MemoryBudget(config.memoryLimitBytes());
    this.sinks = sinks;
    this.durability = durability;
    if (durability == null) {
      this.incarnation = config.incarnation(startTimeMs);
      this.hosting = new TableHosting(tables, budget, sinks);
    } else {
      this.incarnation = durability.shipper().incarnation();
      this.hosting =
          new TableHosting(tables, budget, sinks, durability.replicaLoader(), durability.loading());
      durability.scheduleSnapshots(tables::all, config.properties());
    }
    EventLoopGroup io = DataServer.ioLoops(config.ioThreads());
    this.replication =
        new Replication(
            config.nodeId(),
            io,
            ReplicationSettings.from(config.properties()),
            durability == null ? null : durability.shipper(),
            tables);
    hosting.setReplication(replication);
    if (durability != null) {
      replication.onPrepared(p -> durability.prepared(p, () -> manifestHint(p)));
    }
    AdvertisedEndpoint advertised = new AdvertisedEndpoint();
    RequestProcessor processor = new RequestProcessor(tables, hosting, advertised, replication);
    this.server =
        DataServer.start(
            new InetSocketAddress(config.listenHost(), config.listenPort()),
            processor,
            io,
            config.maxPendingPerConnection(),
            config.maxInflightFrameBytes(),
            metrics.requests());
    this.endpoint = config.advertisedEndpoint(server.port());
    advertised.set(endpoint);
    this.expirySweeper = ExpirySweeper.start(tables::all, config.properties());
    bindMetrics();
  }

  /** Binds the node's meters and, when a port is configured, serves them. */
  private void bindMetrics() {
    metrics
        .bind(new PartitionMetrics(tables, budget, expirySweeper))
        .bind(new ReplicationMetrics(tables, replication.stats()));
    if (durability != null) {
      metrics.bind(new DurabilityMetrics(durability));
    }
    try {
      OptionalInt port = config.metricsPort();
      if (port.isPresent()) {
        metricsServer =
            MetricsServer.start(
                new InetSocketAddress(config.listenHost(), port.getAsInt()), metrics::scrape);
      }
    } catch (RuntimeException e) {
      close(); // a bad port or one in use: give back what the node started
      throw e;
    }
  }

  /**
   * Starts a node: with S3 configured ({@code s3.bucket}) it ships its WAL, loads partitions from
   * S3 and offers {@code memory} and {@code s3} durability (without, only {@code memory}); with
   * {@code etcd.endpoints} configured it joins the cluster (registers, follows its assignments).
   */
  public static DataNode start(NodeConfig config) {
    DataNode node;
    if (config.hasObjectStore()) {
      NodeDurability durability = NodeDurability.start(config.nodeId(), config.properties());
      node = new DataNode(config, durability.sinks(), durability);
    } else {
      node = new DataNode(config, WalSinks.memoryOnly(), null);
    }
    config.metaStore().ifPresent(meta -> node.joinCluster(EtcdMetaStore.connect(meta)));
    return node;
  }

  public static DataNode start(NodeConfig config, WalSinks sinks) {
    DataNode node = new DataNode(config, sinks, null);
    config.metaStore().ifPresent(meta -> node.joinCluster(EtcdMetaStore.connect(meta)));
    return node;
  }

  /** Starts a node that joins the cluster through {@code store} (which it closes when closed). */
  public static DataNode start(NodeConfig config, WalSinks sinks, MetaStore store) {
    DataNode node = new DataNode(config, sinks, null);
    node.joinCluster(store);
    return node;
  }

  private void joinCluster(MetaStore store) {
    this.metaStore = store;
    try {
      this.cluster =
          ClusterAgent.start(
              store,
              config.cluster(),
              new NodeRegistration(
                  config.nodeId(), endpoint, incarnation, budget.limit(), startTimeMs),
              hosting,
              tables);
      if (durability != null) {
        durability.manifestHints(cluster::manifestHint);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The previous leader's reported manifest version of {@code p} (0: unknown, or no cluster). */
  private long manifestHint(io.floe.dataplane.partition.Partition p) {
    ClusterAgent agent = cluster;
    return agent == null ? 0 : agent.manifestHint(p.tableId(), p.id());
  }

  /** The seam where loading from S3 fills newly assigned replicas. */
  public TableHosting hosting() {
    return hosting;
  }

  public long incarnation() {
    return incarnation;
  }

  public Replication replication() {
    return replication;
  }

  /** The node's cluster membership, when it runs with etcd. */
  public Optional<ClusterAgent> cluster() {
    return Optional.ofNullable(cluster);
  }

  /** The node's S3 side, or null when S3 is not configured. */
  public NodeDurability durability() {
    return durability;
  }

  public int port() {
    return server.port();
  }

  public String endpoint() {
    return endpoint;
  }

  public TableRegistry tables() {
    return tables;
  }

  public MemoryBudget memory() {
    return budget;
  }

  public String nodeId() {
    return config.nodeId();
  }

  /**
   * Completes when this incarnation is deposed for good: a newer leader sealed its WAL stream (it
   * was paused or cut off past the failure timeout, or a hand-over to it went wrong), so it can
   * never ship a write again and can never lead. {@link #main} then starts the node afresh as a new
   * incarnation; the control plane sees a restart and re-adds its replicas. Never completes without
   * S3.
   */
  public CompletableFuture<String> whenDeposed() {
    return durability == null ? new CompletableFuture<>() : durability.shipper().whenFenced();
  }

  /** The node's meters (served when {@code node.metrics-port} is set). */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** The port the metrics are served on, when they are. */
  public OptionalInt metricsPort() {
    return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.port());
  }

  @Override
  public void close() {
    LOG.info("node {} shutting down", config.nodeId());
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (metaStore != null) {
      metaStore.close();
    }
    expirySweeper.close();
    replication.close();
    server.close();
    sinks.close();
    if (durability != null) {
      durability.close();
    }
    metrics.close();
    LOG.info("node {} stopped", config.nodeId());
  }

  /**
   * Runs a node until SIGTERM/SIGINT. A node deposed for good ({@link #whenDeposed}) is closed and
   * started again in this process as a new incarnation, on the same ports: the way a restart would
   * bring it back, without waiting for someone to restart it.
   */
  public static void main(String[] args) throws Exception {
    NodeConfig config = NodeConfig.parse(args);
    Object lock = new Object();
    AtomicReference<DataNode> current = new AtomicReference<>(start(config));
    CompletableFuture<Void> stopping = new CompletableFuture<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.complete(null);
                  synchronized (lock) {
                    DataNode node = current.getAndSet(null);
                    if (node != null) {
                      node.close();
                    }
                  }
                  stopped.countDown();
                },
                "floe-shutdown"));
    while (true) {
      DataNode node = current.get();
      if (node == null) {
        break; // stopped while it started again
      }
      LOG.info(
          "node {} up at {} (incarnation {})", config.nodeId(), node.endpoint(), node.incarnation);
      CompletableFuture<String> deposed = node.whenDeposed();
      CompletableFuture.anyOf(stopping, deposed).join();
      boolean failed = false;
      synchronized (lock) {
        if (stopping.isDone()) {
          break;
        }
        LOG.warn(
            "node {} incarnation {} is deposed for good ({} was sealed by a newer leader):"
                + " starting again as a new incarnation",
            config.nodeId(),
            node.incarnation,
            deposed.join());
        current.set(null);
        node.close();
        try {
          current.set(start(config));
        } catch (RuntimeException e) {
          LOG.error("node {} could not start again; exiting", config.nodeId(), e);
          failed = true;
        }
      }
      if (failed) {
        System.exit(1); // outside the lock: the shutdown hook takes it
      }
    }
    stopped.await();
  }
}
