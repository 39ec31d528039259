package io.floe.local;

import io.floe.core.meta.MetaKeys;
import io.floe.core.meta.MetaStoreConfig;
import io.floe.core.meta.etcd.EtcdMetaStore;
import io.floe.core.storage.ObjectStoreConfig;
import io.floe.core.storage.S3ObjectStore;
import io.floe.testsupport.etcd.EtcdOptions;
import io.floe.testsupport.etcd.EtcdProcess;
import io.floe.testsupport.s3.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Starts Floe's local infrastructure on this machine — a real etcd process and an embedded S3
 * endpoint on a local folder — proves both answer by writing and reading through Floe's own {@code
 * MetaStore} and {@code ObjectStore}, prints how to reach them, and runs until stopped.
 *
 * <p>Usage: {@code LocalCluster [data-dir]}; ports from {@code FLOE_ETCD_PORT} (2379), {@code
 * FLOE_ETCD_PEER_PORT} (2380) and {@code FLOE_S3_PORT} (9000). Data survives restarts.
 */
public final class LocalCluster {
  static final String CLUSTER = "local";
  static final String BUCKET = "floe";

  private LocalCluster() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : ".floe-local").toAbsolutePath();
    EtcdProcess etcd =
        EtcdProcess.start(
            EtcdOptions.single(
                dataDir.resolve("etcd"),
                port("FLOE_ETCD_PORT", 2379),
                port("FLOE_ETCD_PEER_PORT", 2380)));
    S3Server s3 = S3Server.start(dataDir.resolve("s3"), port("FLOE_S3_PORT", 9000));
    s3.createBucket(BUCKET);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(s3, etcd)));

    String etcdAnswer = checkEtcd(etcd);
    String s3Answer = checkS3(s3);
    printBanner(dataDir, etcd, s3, etcdAnswer, s3Answer);
    Thread.currentThread().join();
  }

  private static String checkEtcd(EtcdProcess etcd) {
    MetaKeys keys = MetaKeys.forCluster(CLUSTER);
    try (EtcdMetaStore meta = EtcdMetaStore.connect(MetaStoreConfig.of(etcd.clientEndpoints()))) {
      String key = keys.config("local-started-at");
      meta.put(key, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
      return key + " = " + meta.get(key).orElseThrow().valueAsString();
    }
  }

  private static String checkS3(S3Server s3) {
    Map<String, String> settings =
        Map.of(
            ObjectStoreConfig.ENDPOINT,
            s3.endpoint().toString(),
            ObjectStoreConfig.BUCKET,
            BUCKET,
            ObjectStoreConfig.PREFIX,
            CLUSTER,
            ObjectStoreConfig.PATH_STYLE,
            "true",
            ObjectStoreConfig.ACCESS_KEY,
            s3.accessKey(),
            ObjectStoreConfig.SECRET_KEY,
            s3.secretKey());
    try (S3ObjectStore store = new S3ObjectStore(ObjectStoreConfig.fromProperties(settings))) {
      String key = "started-at.txt";
      store.put(key, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
      long objects = store.list("").count();
      return "s3://"
          + BUCKET
          + "/"
          + CLUSTER
          + "/"
          + key
          + " = "
          + new String(store.get(key), StandardCharsets.UTF_8)
          + " ("
          + objects
          + " objects)";
    }
  }

  private static void printBanner(
      Path dataDir, EtcdProcess etcd, S3Server s3, String etcdAnswer, String s3Answer) {
    List<String> lines =
        List.of(
            "Floe local cluster '" + CLUSTER + "' is up (data in " + dataDir + ")",
            "  etcd       "
                + etcd.clientEndpoint()
                + "   (etcdctl --endpoints="
                + etcd.clientEndpoint()
                + " get --prefix /floe/)",
            "  S3         "
                + s3.endpoint()
                + "   bucket "
                + BUCKET
                + ", region "
                + s3.region()
                + ", path-style, access key "
                + s3.accessKey()
                + ", secret "
                + s3.secretKey(),
            "  checked    etcd: " + etcdAnswer,
            "             S3:   " + s3Answer,
            "  not yet    data nodes and the control plane join here as they are built",
            "Press Ctrl-C to stop.");
    lines.forEach(System.out::println);
  }

  private static void stop(S3Server s3, EtcdProcess etcd) {
    s3.close();
    etcd.close();
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
