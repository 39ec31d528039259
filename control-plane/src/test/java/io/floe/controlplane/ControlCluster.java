package io.floe.controlplane;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.format.Json;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.testsupport.process.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of separate processes for control-plane tests: data nodes and control planes as JVMs on
 * one etcd and one S3 endpoint, and a plain HTTP client for the control API.
 */
final class ControlCluster implements AutoCloseable {
  static final String CONTROL_PLANE_MAIN = "io.floe.controlplane.ControlPlaneApp";

  private final String cluster;
  private final List<String> etcd;
  private final Map<String, String> s3;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  // With cuttable peer links only: each node's proxy, and the address its peer links leave from.
  private final Map<String, io.floe.testsupport.net.TcpProxy> fronts = new LinkedHashMap<>();
  private final Map<String, String> peerSources = new LinkedHashMap<>();
  private final List<NodeProcess> controlPlanes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  ControlCluster(
      String cluster, List<String> etcd, Map<String, String> s3, List<String> nodeIds, int cps) {
    this(cluster, etcd, s3, nodeIds, cps, false);
  }

  /**
   * @param cuttablePeerLinks each node reached through a proxy it advertises, its replication
   *     connections leaving from a loopback address of its own, so that {@link #cutFromPeers} can
   *     cut the links between nodes alone
   */
  ControlCluster(
      String cluster,
      List<String> etcd,
      Map<String, String> s3,
      List<String> nodeIds,
      int cps,
      boolean cuttablePeerLinks) {
    this.cluster = cluster;
    this.etcd = etcd;
    this.s3 = Map.copyOf(s3);
    for (String id : nodeIds) {
      Map<String, String> settings = new HashMap<>(s3);
      settings.put(NodeConfig.NODE_ID, id);
      settings.put(MetaStoreConfig.ENDPOINTS, String.join(",", etcd));
      settings.put(ClusterSettings.CLUSTER, cluster);
      settings.put(ClusterSettings.LEASE_TTL, "10s");
      settings.put(ClusterSettings.STATUS_INTERVAL, "100ms");
      settings.put("wal.flush-interval", "50ms");
      settings.put("snapshot.wal-bytes", "1MiB");
      NodeProcess node = new NodeProcess(settings);
      if (cuttablePeerLinks) {
        String source = "127.0.0." + (11 + nodes.size());
        io.floe.testsupport.net.TcpProxy front =
            io.floe.testsupport.net.TcpProxy.start("127.0.0.1", node.port());
        settings.put("replication.source-address", source);
        settings.put(NodeConfig.ADVERTISED_ENDPOINT, front.endpoint());
        fronts.put(id, front);
        peerSources.put(id, source);
      }
      nodes.put(id, node.start());
    }
    for (int i = 0; i < cps; i++) {
      startControlPlane();
    }
  }

  NodeProcess startControlPlane() {
    Map<String, String> settings = new HashMap<>(s3);
    settings.put("floe.cluster.name", cluster);
    settings.put("floe.etcd.endpoints", String.join(",", etcd));
    NodeProcess cp =
        new NodeProcess(CONTROL_PLANE_MAIN, "micronaut.server.port", settings, List.of("-Xmx512m"));
    cp.start();
    controlPlanes.add(cp);
    return cp;
  }

  /** The newest catalog version the control plane wrote to S3 (spec.md §9), if any. */
  java.util.Optional<io.floe.storage.catalog.Catalog> catalog() {
    try (io.floe.storage.object.ObjectStore store =
        new io.floe.storage.object.S3ObjectStore(
            io.floe.storage.object.ObjectStoreConfig.fromProperties(s3).forCluster(cluster))) {
      return io.floe.storage.commit.VersionedObjects.catalog(store)
          .latest()
          .map(v -> io.floe.storage.catalog.CatalogParser.fromJson(v.bytes(), v.version()));
    }
  }

  /** The newest incarnation of data node {@code id} claimed in S3 (DESIGN.md §7), 0 if none. */
  long incarnation(String id) {
    try (io.floe.storage.object.ObjectStore store =
        new io.floe.storage.object.S3ObjectStore(
            io.floe.storage.object.ObjectStoreConfig.fromProperties(s3).forCluster(cluster))) {
      return new io.floe.storage.commit.VersionedObjects(
              store, io.floe.dataplane.recovery.Incarnations.prefix(id))
          .latestVersion()
          .orElse(0);
    }
  }

  String name() {
    return cluster;
  }

  /** Whether data node {@code id} is registered in etcd now (its lease is alive). */
  boolean registered(String id) {
    try (io.floe.storage.meta.MetaStore store =
        io.floe.storage.meta.etcd.EtcdMetaStore.connect(
            MetaStoreConfig.of(etcd).withCallTimeout(Duration.ofSeconds(2)))) {
      return store.get(io.floe.storage.meta.MetaKeys.forCluster(cluster).node(id)).isPresent();
    }
  }

  /**
   * Revokes the etcd lease data node {@code id}'s registration is held by, as an expiry would,
   * while the node runs on: it finds the lease gone and registers again under a new one.
   */
  void revokeRegistrationLease(String id) {
    try (io.floe.storage.meta.MetaStore store =
        io.floe.storage.meta.etcd.EtcdMetaStore.connect(
            MetaStoreConfig.of(etcd).withCallTimeout(Duration.ofSeconds(2)))) {
      long lease =
          store
              .get(io.floe.storage.meta.MetaKeys.forCluster(cluster).node(id))
              .orElseThrow(() -> new IllegalStateException(id + " is not registered"))
              .leaseId();
      if (!store.revokeLease(lease)) {
        throw new IllegalStateException("cannot revoke lease " + lease + " of " + id);
      }
    }
  }

  NodeProcess node(String id) {
    return nodes.get(id);
  }

  String endpoint(String id) {
    io.floe.testsupport.net.TcpProxy front = fronts.get(id);
    return front != null ? front.endpoint() : "127.0.0.1:" + nodes.get(id).port();
  }

  /**
   * Cuts the links between data node {@code id} and every other data node, both ways; clients,
   * control planes and etcd still reach it (a cluster started with cuttable peer links).
   */
  void cutFromPeers(String id) {
    if (!fronts.containsKey(id)) {
      throw new IllegalStateException("the cluster was started without cuttable peer links");
    }
    fronts.forEach(
        (other, front) -> {
          if (!other.equals(id)) {
            front.blackholeFrom(peerSources.get(id));
            fronts.get(id).blackholeFrom(peerSources.get(other));
          }
        });
  }

  /** Heals every cut made by {@link #cutFromPeers}. */
  void healPeerLinks() {
    fronts.values().forEach(io.floe.testsupport.net.TcpProxy::heal);
  }

  List<String> endpoints() {
    return nodes.keySet().stream().map(this::endpoint).toList();
  }

  List<NodeProcess> controlPlanes() {
    return controlPlanes;
  }

  String url(NodeProcess cp) {
    return "http://127.0.0.1:" + cp.port();
  }

  /** The control plane that says it leads, waiting for one. */
  NodeProcess leader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () ->
                controlPlanes.stream()
                    .filter(NodeProcess::isAlive)
                    .filter(
                        cp -> call(cp, "GET", "/health", null).body().path("leader").asBoolean())
                    .findFirst()
                    .orElse(null),
            cp -> cp != null);
  }

  /** An answer: status and parsed body. */
  record Answer(int status, JsonNode body) {
    String code() {
      return body.path("code").asText();
    }
  }

  Answer call(NodeProcess cp, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(cp) + path)).timeout(Duration.ofSeconds(20));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode parsed = r.body().isEmpty() ? Json.object() : Json.read("answer", r.body());
      return new Answer(r.statusCode(), parsed);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Calls the leader. */
  Answer call(String method, String path, String body) {
    return call(leader(), method, path, body);
  }

  /** Waits until operation {@code id} ends; answers it. */
  JsonNode awaitOperation(long id, Duration atMost) {
    return await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> call("GET", "/v1/ops/" + id, null).body(),
            op -> List.of("done", "failed", "canceled").contains(op.path("status").asText()));
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess cp : controlPlanes) {
      cp.close();
    }
    for (NodeProcess n : nodes.values()) {
      n.close();
    }
    for (io.floe.testsupport.net.TcpProxy front : fronts.values()) {
      front.close();
    }
  }
}
