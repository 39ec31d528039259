package io.floe.loadtests.chaos;

import io.floe.client.control.ControlClient;
import io.floe.client.control.ControlConfig;
import io.floe.testsupport.etcd.EtcdCluster;
import io.floe.testsupport.net.TcpProxy;
import io.floe.testsupport.process.NodeProcess;
import io.floe.testsupport.s3.FaultyS3Front;
import io.floe.testsupport.s3.S3Server;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster the fault harness attacks (DESIGN.md §14), every part a separate process or a proxy
 * in front of one: a 3-member etcd; S3 (S3Proxy) behind the fault-injecting front; data nodes, each
 * behind a TCP proxy that it advertises (so clients, peers and control planes reach it only through
 * the proxy: cutting it cuts the node off) and reaching etcd through proxies of its own (so its
 * etcd link can be cut alone), its replication connections leaving from a loopback address of its
 * own (so that the links between nodes can be cut alone, at the proxies); two control planes.
 */
final class ChaosCluster implements AutoCloseable {
  static final String CONTROL_PLANE_MAIN = "io.floe.controlplane.ControlPlaneApp";
  static final String CLUSTER = "chaos";

  /**
   * One data node: its process, the proxy it is reached through, its own links to etcd, and the
   * address its connections to other nodes leave from.
   */
  record Node(
      String id,
      NodeProcess process,
      TcpProxy front,
      List<TcpProxy> etcdLinks,
      String peerSource,
      int metricsPort) {
    String endpoint() {
      return front.endpoint();
    }
  }

  private final EtcdCluster etcd;
  private final S3Server s3;
  private final FaultyS3Front s3Front;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<NodeProcess> controlPlanes = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private ChaosCluster(EtcdCluster etcd, S3Server s3, FaultyS3Front s3Front) {
    this.etcd = etcd;
    this.s3 = s3;
    this.s3Front = s3Front;
  }

  /**
   * Starts the whole cluster and returns once every data node accepts and every control plane
   * answers.
   *
   * @param deadAfter the control planes' failure-detector timeout (e.g. {@code 1s})
   * @param leaseTtl the data nodes' etcd lease (e.g. {@code 4s}): how long a node cut from etcd
   *     keeps its registration
   */
  static ChaosCluster start(Path work, int dataNodes, String deadAfter, String leaseTtl) {
    EtcdCluster etcd = EtcdCluster.start(3);
    S3Server s3 = null;
    FaultyS3Front front = null;
    ChaosCluster c = null;
    try {
      s3 = S3Server.start(work.resolve("s3"));
      s3.createBucket("floe");
      front = FaultyS3Front.start(s3.endpoint());
      c = new ChaosCluster(etcd, s3, front);
      for (int i = 0; i < dataNodes; i++) {
        c.startNode(Character.toString((char) ('a' + i)), "127.0.0." + (11 + i), leaseTtl);
      }
      for (int i = 0; i < 2; i++) {
        c.startControlPlane(deadAfter);
      }
      return c;
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        if (front != null) {
          front.close();
        }
        if (s3 != null) {
          s3.close();
        }
        etcd.close();
      }
      throw e;
    }
  }

  private Map<String, String> s3Settings() {
    Map<String, String> s = new HashMap<>();
    s.put("s3.endpoint", s3Front.endpoint().toString());
    s.put("s3.bucket", "floe");
    s.put("s3.region", s3.region());
    s.put("s3.access-key", s3.accessKey());
    s.put("s3.secret-key", s3.secretKey());
    s.put("s3.path-style", "true");
    return s;
  }

  private void startNode(String id, String peerSource, String leaseTtl) {
    List<TcpProxy> etcdLinks = new ArrayList<>();
    for (String member : etcd.clientEndpoints()) {
      URI u = URI.create(member);
      TcpProxy link = TcpProxy.start(u.getHost(), u.getPort());
      closeables.add(link);
      etcdLinks.add(link);
    }
    Map<String, String> settings = s3Settings();
    settings.put("node.id", id);
    settings.put("cluster.name", CLUSTER);
    settings.put(
        "etcd.endpoints",
        String.join(",", etcdLinks.stream().map(l -> "http://" + l.endpoint()).toList()));
    settings.put("node.lease-ttl", leaseTtl);
    settings.put("node.status-interval", "100ms");
    settings.put("wal.flush-interval", "50ms");
    settings.put("replication.source-address", peerSource);
    int metricsPort = NodeProcess.freePort();
    settings.put("node.metrics-port", Integer.toString(metricsPort));
    settings.put("wal.stats-interval", "1s"); // the lag to S3 over each second

    NodeProcess process = new NodeProcess(settings, List.of("-Xmx768m"));
    TcpProxy front = TcpProxy.start("127.0.0.1", process.port());
    closeables.add(front);
    settings.put("node.advertised-endpoint", front.endpoint());
    process.start();
    nodes.put(id, new Node(id, process, front, etcdLinks, peerSource, metricsPort));
  }

  private void startControlPlane(String deadAfter) {
    Map<String, String> settings = s3Settings(); // the catalog goes to S3
    settings.put("floe.cluster.name", CLUSTER);
    settings.put("floe.etcd.endpoints", String.join(",", etcd.clientEndpoints()));
    settings.put("floe.failover.dead-after", deadAfter);
    NodeProcess cp =
        new NodeProcess(CONTROL_PLANE_MAIN, "micronaut.server.port", settings, List.of("-Xmx384m"))
            .start();
    controlPlanes.add(cp);
  }

  Map<String, Node> nodes() {
    return nodes;
  }

  Node node(String id) {
    Node n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no data node " + id);
    }
    return n;
  }

  /** Node id → the port of its Prometheus endpoint. */
  Map<String, Integer> metricsPorts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    nodes.forEach((id, n) -> out.put(id, n.metricsPort()));
    return out;
  }

  /** The data nodes' endpoints as clients see them (their proxies). */
  List<String> endpoints() {
    return nodes.values().stream().map(Node::endpoint).toList();
  }

  List<NodeProcess> controlPlanes() {
    return controlPlanes;
  }

  String url(NodeProcess cp) {
    return "http://127.0.0.1:" + cp.port();
  }

  ControlClient control() {
    return ControlClient.connect(
        ControlConfig.of(controlPlanes.stream().map(this::url).toArray(String[]::new)));
  }

  EtcdCluster etcd() {
    return etcd;
  }

  FaultyS3Front s3() {
    return s3Front;
  }

  @Override
  public void close() {
    for (NodeProcess cp : controlPlanes) {
      closeQuietly(cp);
    }
    for (Node n : nodes.values()) {
      closeQuietly(n.process());
    }
    for (AutoCloseable c : closeables) {
      closeQuietly(c);
    }
    closeQuietly(s3Front);
    closeQuietly(s3);
    closeQuietly(etcd);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing everything: one part that does not close must not keep the others open
    }
  }
}
