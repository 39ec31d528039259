package io.floe.dataplane;

import io.floe.core.cluster.NodeRegistration;
import io.floe.core.meta.MetaStore;
import io.floe.core.meta.etcd.EtcdMetaStore;
import io.floe.dataplane.cluster.ClusterAgent;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.server.DataServer;
import io.floe.dataplane.server.RequestProcessor;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data-plane node: hosted tables in memory, served over the data protocol. {@link #main} runs it
 * as a process until SIGTERM/SIGINT, then shuts down cleanly: stop accepting, answer what is in
 * flight, close the WAL sinks (which flush).
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
  private ClusterAgent cluster;

  private DataNode(NodeConfig config, WalSinks sinks) {
    this.config = config;
    this.tables = new TableRegistry();
    this.budget = new MemoryBudget(config.memoryLimitBytes());
    this.sinks = sinks;
    this.incarnation = config.incarnation(startTimeMs);
    this.hosting = new TableHosting(tables, budget, sinks);
    AdvertisedEndpoint advertised = new AdvertisedEndpoint();
    RequestProcessor processor = new RequestProcessor(tables, hosting, advertised);
    this.server =
        DataServer.start(
            new InetSocketAddress(config.listenHost(), config.listenPort()),
            processor,
            config.ioThreads(),
            config.maxPendingPerConnection());
    this.endpoint = config.advertisedEndpoint(server.port());
    advertised.set(endpoint);
  }

  /**
   * Starts a node with the durability modes available today ({@code memory}); with {@code
   * etcd.endpoints} configured it joins the cluster (registers, follows its assignments).
   */
  public static DataNode start(NodeConfig config) {
    return start(config, WalSinks.memoryOnly());
  }

  public static DataNode start(NodeConfig config, WalSinks sinks) {
    DataNode node = new DataNode(config, sinks);
    config.metaStore().ifPresent(meta -> node.joinCluster(EtcdMetaStore.connect(meta)));
    return node;
  }

  /** Starts a node that joins the cluster through {@code store} (which it closes when closed). */
  public static DataNode start(NodeConfig config, WalSinks sinks, MetaStore store) {
    DataNode node = new DataNode(config, sinks);
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
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The seam where loading from S3 fills newly assigned replicas. */
  public TableHosting hosting() {
    return hosting;
  }

  public long incarnation() {
    return incarnation;
  }

  /** The node's cluster membership, when it runs with etcd. */
  public Optional<ClusterAgent> cluster() {
    return Optional.ofNullable(cluster);
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

  @Override
  public void close() {
    LOG.info("node {} shutting down", config.nodeId());
    if (cluster != null) {
      cluster.close();
    }
    if (metaStore != null) {
      metaStore.close();
    }
    server.close();
    sinks.close();
    LOG.info("node {} stopped", config.nodeId());
  }

  public static void main(String[] args) throws Exception {
    NodeConfig config = NodeConfig.parse(args);
    DataNode node = start(config);
    LOG.info("node {} up at {}", config.nodeId(), node.endpoint());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "floe-shutdown"));
    stopped.await();
  }
}
