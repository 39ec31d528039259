package io.floe.dataplane;

import io.floe.core.config.ConfigReader;
import io.floe.dataplane.cluster.ClusterSettings;
import io.floe.dataplane.metrics.MetricsServer;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.server.DataServer;
import io.floe.storage.meta.MetaStoreConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * A data node's settings: a properties file ({@code --config FILE}) overridden by flags ({@code
 * --key=value} or {@code --key value}, with the same keys). Keys and defaults sit side by side.
 */
public final class NodeConfig {
  public static final String NODE_ID = "node.id";
  public static final String NODE_ID_DEFAULT = "node-1";
  public static final String LISTEN_HOST = "node.listen-host";
  public static final String LISTEN_HOST_DEFAULT = "127.0.0.1";
  public static final String LISTEN_PORT = "node.listen-port";
  public static final int LISTEN_PORT_DEFAULT = 7400;

  /** {@code host:port} clients are told to reach this node at; defaults to the listen address. */
  public static final String ADVERTISED_ENDPOINT = "node.advertised-endpoint";

  /**
   * This process start's incarnation (names its WAL stream); defaults to the start time in ms.
   * Loading from S3 will claim it there with a create-if-absent object.
   */
  public static final String INCARNATION = "node.incarnation";

  private final Properties values;
  private final ConfigReader config;

  private NodeConfig(Properties values) {
    this.values = values;
    this.config = ConfigReader.of(values);
  }

  public static NodeConfig parse(String... args) throws IOException {
    Properties props = new Properties();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        try (Reader reader = Files.newBufferedReader(Path.of(args[++i]))) {
          props.load(reader);
        }
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String key = arg.substring(2);
      if (key.equals("config")) {
        i++;
      } else if (key.contains("=")) {
        props.setProperty(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        props.setProperty(key, args[++i]);
      } else {
        throw new IllegalArgumentException("flag --" + key + " needs a value");
      }
    }
    return new NodeConfig(props);
  }

  public static NodeConfig of(Properties props) {
    return new NodeConfig(props);
  }

  /** Every setting as given (a copy), for the components that read their own keys. */
  public Properties properties() {
    Properties copy = new Properties();
    copy.putAll(values);
    return copy;
  }

  /** Whether S3 is configured ({@code s3.bucket} given): WAL shipping and loading are on. */
  public boolean hasObjectStore() {
    return values.getProperty(io.floe.storage.object.ObjectStoreConfig.BUCKET) != null;
  }

  public String nodeId() {
    return values.getProperty(NODE_ID, NODE_ID_DEFAULT);
  }

  public String listenHost() {
    return values.getProperty(LISTEN_HOST, LISTEN_HOST_DEFAULT);
  }

  public int listenPort() {
    return config.integer(LISTEN_PORT, LISTEN_PORT_DEFAULT);
  }

  /**
   * The port of the node's Prometheus endpoint ({@link MetricsServer#PORT}), on the listen host;
   * empty when not set (no endpoint), 0 for any free port.
   */
  public OptionalInt metricsPort() {
    if (config.string(MetricsServer.PORT).isEmpty()) {
      return OptionalInt.empty();
    }
    int port = config.integer(MetricsServer.PORT, 0);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          MetricsServer.PORT
              + " must be a port number from 0 (any free port) to 65535, found "
              + port);
    }
    return OptionalInt.of(port);
  }

  public String advertisedEndpoint(int boundPort) {
    return values.getProperty(ADVERTISED_ENDPOINT, listenHost() + ":" + boundPort);
  }

  public long memoryLimitBytes() {
    return config.size(MemoryBudget.MEMORY_LIMIT, MemoryBudget.MEMORY_LIMIT_DEFAULT);
  }

  public int ioThreads() {
    return config.integer(DataServer.IO_THREADS, DataServer.IO_THREADS_DEFAULT);
  }

  public int maxPendingPerConnection() {
    return config.integer(DataServer.MAX_PENDING, DataServer.MAX_PENDING_DEFAULT);
  }

  public long maxInflightFrameBytes() {
    return config.size(
        DataServer.MAX_INFLIGHT_FRAME_BYTES, DataServer.MAX_INFLIGHT_FRAME_BYTES_DEFAULT);
  }

  /**
   * How to reach etcd, when {@code etcd.endpoints} is set: the node then registers and follows its
   * assignments. Without it the node serves tables made by {@code CREATE_TABLE} only.
   */
  public Optional<MetaStoreConfig> metaStore() {
    if (values.getProperty(MetaStoreConfig.ENDPOINTS) == null) {
      return Optional.empty();
    }
    return Optional.of(MetaStoreConfig.fromMap(asMap()));
  }

  /** Cluster name, lease TTL and status interval ({@link ClusterSettings}). */
  public ClusterSettings cluster() {
    return ClusterSettings.fromMap(asMap());
  }

  public long incarnation(long startTimeMs) {
    return config.longValue(INCARNATION, startTimeMs);
  }

  private Map<String, String> asMap() {
    Map<String, String> map = new HashMap<>();
    values.stringPropertyNames().forEach(k -> map.put(k, values.getProperty(k)));
    return map;
  }
}
