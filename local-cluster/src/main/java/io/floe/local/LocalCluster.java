package io.floe.local;

import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.metrics.MetricsServer;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.testsupport.etcd.EtcdOptions;
import io.floe.testsupport.etcd.EtcdProcess;
import io.floe.testsupport.s3.S3Server;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a whole Floe cluster on this machine: a real etcd process, an embedded S3 endpoint on a
 * local folder, three data nodes that register in etcd, follow their assignments, replicate and
 * ship their WAL to S3, and two control-plane replicas (one leads, the other stands by). It then
 * proves the cluster works end to end ({@link LocalDemo}), prints how to reach it, and runs until
 * stopped.
 *
 * <p>Usage: {@code LocalCluster [data-dir]}. Ports: {@code FLOE_ETCD_PORT} (2379), {@code
 * FLOE_ETCD_PEER_PORT} (2380), {@code FLOE_S3_PORT} (9000), {@code FLOE_NODE_PORT} (7401, and the
 * next two), {@code FLOE_METRICS_PORT} (9401, and the next two: each node's Prometheus endpoint),
 * {@code FLOE_CP_PORT} (7080 and 7081, the two control planes). Data survives restarts: a restarted
 * cluster reloads its tables from S3.
 */
public final class LocalCluster {
  static final String CLUSTER = "local";
  static final String BUCKET = "floe";
  static final int NODES = 3;
  static final int CONTROL_PLANES = 2;

  private LocalCluster() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args.length > 0 ? args[0] : ".floe-local").toAbsolutePath();
    Stopper stopper = new Stopper();
    stopper.stopOn("INT");
    stopper.stopOn("TERM");
    Runtime.getRuntime().addShutdownHook(new Thread(stopper::stop, "floe-local-stop"));

    EtcdProcess etcd =
        EtcdProcess.start(
            EtcdOptions.single(
                dataDir.resolve("etcd"),
                port("FLOE_ETCD_PORT", 2379),
                port("FLOE_ETCD_PEER_PORT", 2380)));
    stopper.etcd = etcd;
    S3Server s3 = S3Server.start(dataDir.resolve("s3"), port("FLOE_S3_PORT", 9000));
    stopper.s3 = s3;
    s3.createBucket(BUCKET);

    Map<String, String> s3Settings = s3Settings(s3);
    int firstNodePort = port("FLOE_NODE_PORT", 7401);
    int firstMetricsPort = port("FLOE_METRICS_PORT", 9401);
    for (int i = 0; i < NODES; i++) {
      stopper.nodes.add(
          DataNode.start(
              nodeConfig(
                  i, firstNodePort + i, firstMetricsPort + i, etcd.clientEndpoints(), s3Settings)));
    }

    int firstControlPort = port("FLOE_CP_PORT", 7080);
    List<String> controlUrls = new ArrayList<>();
    for (int i = 0; i < CONTROL_PLANES; i++) {
      EmbeddedServer cp =
          startControlPlane(firstControlPort + i, etcd.clientEndpoints(), s3Settings);
      stopper.controlPlanes.add(cp);
      controlUrls.add("http://127.0.0.1:" + cp.getPort());
    }

    LocalDemo demo = new LocalDemo(controlUrls, stopper.nodes);
    List<String> report = demo.run();
    printBanner(dataDir, etcd, s3, stopper.nodes, controlUrls, report, demo);
    Thread.currentThread().join();
  }

  /**
   * Stops the cluster in the reverse order of its start, once: the nodes together (each revokes its
   * lease and flushes its WAL while etcd and S3 still answer), then S3, then etcd (gracefully). On
   * Ctrl-C and SIGTERM it runs before the JVM's shutdown starts: shutdown hooks run all at once,
   * and test support's hook would kill etcd under the nodes.
   */
  private static final class Stopper {
    final List<DataNode> nodes = new CopyOnWriteArrayList<>();
    final List<EmbeddedServer> controlPlanes = new CopyOnWriteArrayList<>();
    volatile S3Server s3;
    volatile EtcdProcess etcd;
    private final AtomicBoolean stopped = new AtomicBoolean();

    @SuppressWarnings("removal") // sun.misc.Signal: the one way to act before shutdown begins
    void stopOn(String signal) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(signal),
            s -> new Thread(() -> exitAfterStop(), "floe-local-stop-" + signal).start());
      } catch (IllegalArgumentException e) {
        // the signal cannot be handled here: the shutdown hook still stops everything
      }
    }

    private void exitAfterStop() {
      stop();
      System.exit(0);
    }

    void stop() {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      long started = System.nanoTime();
      System.out.println(
          "Stopping: control planes, data nodes (flushing their WAL), then S3, then etcd ...");
      controlPlanes.forEach(cp -> quietly(cp::stop));
      nodes.parallelStream().forEach(node -> quietly(node::close));
      if (s3 != null) {
        quietly(s3::close);
      }
      if (etcd != null) {
        quietly(etcd::stop);
      }
      System.out.printf("Stopped in %.1f s.%n", (System.nanoTime() - started) / 1e9);
    }

    private static void quietly(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        System.err.println("while stopping: " + e);
      }
    }
  }

  /**
   * A control-plane replica in this process, on {@code port}, writing the catalog to the nodes' S3.
   */
  static EmbeddedServer startControlPlane(
      int port, List<String> etcdEndpoints, Map<String, String> s3Settings) {
    Map<String, Object> settings = new HashMap<>(s3Settings);
    settings.put("micronaut.server.port", port);
    settings.put("floe.cluster.name", CLUSTER);
    settings.put("floe.etcd.endpoints", String.join(",", etcdEndpoints));
    settings.put("floe.control-plane.advertised-url", "http://127.0.0.1:" + port);
    return ApplicationContext.run(EmbeddedServer.class, settings);
  }

  /**
   * Node {@code index} (0-based) of the local cluster, serving the data protocol on {@code port}
   * and its metrics on {@code metricsPort}; port 0 picks a free one.
   */
  static NodeConfig nodeConfig(
      int index,
      int port,
      int metricsPort,
      List<String> etcdEndpoints,
      Map<String, String> s3Settings) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.NODE_ID, "node-" + (index + 1));
    props.setProperty(NodeConfig.LISTEN_PORT, Integer.toString(port));
    props.setProperty(MetricsServer.PORT, Integer.toString(metricsPort));
    props.setProperty(MetaStoreConfig.ENDPOINTS, String.join(",", etcdEndpoints));
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, "6s");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "250ms"); // showtable's offsets stay fresh
    props.putAll(s3Settings);
    return NodeConfig.of(props);
  }

  static Map<String, String> s3Settings(S3Server s3) {
    return s3Settings(
        s3.endpoint().toString(), BUCKET, s3.region(), s3.accessKey(), s3.secretKey());
  }

  /**
   * The nodes' S3 settings: no prefix of their own, so the cluster's objects are under {@code
   * local/} (a node roots its keys at {@code {s3.prefix}/{cluster.name}/}).
   */
  static Map<String, String> s3Settings(
      String endpoint, String bucket, String region, String accessKey, String secretKey) {
    return Map.of(
        ObjectStoreConfig.ENDPOINT, endpoint,
        ObjectStoreConfig.BUCKET, bucket,
        ObjectStoreConfig.PREFIX, "",
        ObjectStoreConfig.PATH_STYLE, "true",
        ObjectStoreConfig.REGION, region,
        ObjectStoreConfig.ACCESS_KEY, accessKey,
        ObjectStoreConfig.SECRET_KEY, secretKey);
  }

  private static void printBanner(
      Path dataDir,
      EtcdProcess etcd,
      S3Server s3,
      List<DataNode> nodes,
      List<String> controlUrls,
      List<String> report,
      LocalDemo demo) {
    List<String> lines = new ArrayList<>();
    lines.add("Floe local cluster '" + CLUSTER + "' is up (data in " + dataDir + ")");
    lines.add(
        "  etcd          "
            + etcd.clientEndpoint()
            + "   (etcdctl --endpoints="
            + etcd.clientEndpoint()
            + " get --prefix /floe/"
            + CLUSTER
            + "/)");
    lines.add(
        "  S3            "
            + s3.endpoint()
            + "   bucket "
            + BUCKET
            + ", cluster root "
            + CLUSTER
            + "/, region "
            + s3.region()
            + ", path-style, access key "
            + s3.accessKey()
            + ", secret "
            + s3.secretKey());
    for (String url : controlUrls) {
      lines.add("  control plane " + url + "   (HTTP API under /v1, /health, /prometheus)");
    }
    for (DataNode node : nodes) {
      String host = node.endpoint().substring(0, node.endpoint().lastIndexOf(':'));
      lines.add(
          "  data node     "
              + node.nodeId()
              + " at "
              + node.endpoint()
              + "   (metrics: http://"
              + host
              + ":"
              + node.metricsPort().orElseThrow()
              + "/metrics)");
    }
    report.forEach(line -> lines.add("  demo          " + line));
    String endpoint = String.join(",", controlUrls);
    lines.add("");
    lines.add("$ floe -e " + endpoint + " ns showtablet");
    demo.floe("ns", "showtablet").forEach(lines::add);
    lines.add("");
    lines.add("$ floe -e " + endpoint + " ns showtable " + LocalDemo.TABLE);
    demo.floe("ns", "showtable", LocalDemo.TABLE).forEach(lines::add);
    lines.add("");
    lines.add("The CLI: cli/src/main/sh/floe -e " + endpoint + " ns   (an interactive prompt; try");
    lines.add(
        "  showopstatus, changeleader "
            + LocalDemo.TABLE
            + " 0 auto, table describe "
            + LocalDemo.TABLE
            + ")");
    lines.add(
        "The API: curl "
            + controlUrls.get(0)
            + "/v1/tables/"
            + LocalDemo.TABLE
            + "   (open: no floe.auth.tokens set here)");
    lines.add("Press Ctrl-C to stop.");
    lines.forEach(System.out::println);
  }

  private static int port(String variable, int defaultPort) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      return defaultPort;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a port number, got '" + value + "'");
    }
  }
}
