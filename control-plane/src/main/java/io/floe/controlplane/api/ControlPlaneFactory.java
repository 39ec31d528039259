package io.floe.controlplane.api;

import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.ControlPlaneSettings;
import io.floe.controlplane.auth.Tokens;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the replica from the {@code floe.*} settings (application.yml, flags, environment). */
@Factory
public final class ControlPlaneFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneFactory.class);

  @Context
  @Bean(preDestroy = "close")
  public MetaStore metaStore(@Value("${floe.etcd.endpoints}") String endpoints) {
    return EtcdMetaStore.connect(
        MetaStoreConfig.of(Arrays.stream(endpoints.split(",")).map(String::trim).toList()));
  }

  @Context
  @Bean(preDestroy = "close")
  public ControlPlane controlPlane(
      MetaStore store,
      @Value("${floe.cluster.name}") String cluster,
      @Value("${floe.etcd.endpoints}") String endpoints,
      @Value("${micronaut.server.port:7080}") int port,
      @Value("${micronaut.server.ssl.enabled:false}") boolean tls,
      @Value("${micronaut.server.ssl.port:8443}") int tlsPort,
      @Value("${floe.control-plane.advertised-url:}") String advertised,
      @Value("${floe.failover.heartbeat-interval:200ms}") String heartbeat,
      @Value("${floe.failover.dead-after:1s}") String deadAfter,
      @Value("${floe.operations.threads:16}") int threads,
      @Value("${floe.catalog.check-interval:30s}") String catalogInterval,
      Optional<ObjectStore> objects) {
    ControlPlaneSettings settings =
        new ControlPlaneSettings(
            cluster,
            Arrays.stream(endpoints.split(",")).map(String::trim).toList(),
            advertised.isBlank()
                ? (tls ? "https://127.0.0.1:" + tlsPort : "http://127.0.0.1:" + port)
                : advertised,
            duration("floe.failover.heartbeat-interval", heartbeat),
            duration("floe.failover.dead-after", deadAfter),
            threads,
            duration("floe.catalog.check-interval", catalogInterval));
    return new ControlPlane(settings, store, objects).start();
  }

  /**
   * The cluster's S3 root ({@code {s3.prefix}/{cluster}/}, spec.md §6), configured by the same
   * {@code s3.*} keys as a data node's; absent without {@code s3.bucket}.
   */
  @Context
  @Bean(preDestroy = "close")
  @Requires(property = "s3.bucket")
  public ObjectStore objectStore(
      Environment environment, @Value("${floe.cluster.name}") String cluster) {
    Map<String, String> settings = new HashMap<>();
    flatten("s3", environment.getProperties("s3", StringConvention.RAW), settings);
    return new S3ObjectStore(ObjectStoreConfig.fromProperties(settings).forCluster(cluster));
  }

  /** {@code s3.retry.max-attempts} whether the environment gives it flat or nested. */
  private static void flatten(String prefix, Map<?, ?> values, Map<String, String> into) {
    values.forEach(
        (k, v) -> {
          String key = prefix + "." + k;
          if (v instanceof Map<?, ?> nested) {
            flatten(key, nested, into);
          } else {
            into.put(key, String.valueOf(v));
          }
        });
  }

  @Context
  public Tokens tokens(
      @Value("${floe.auth.tokens:}") String inline,
      @Value("${floe.auth.tokens-file:}") String file) {
    Tokens tokens =
        Tokens.parse(inline, file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)));
    if (!tokens.enabled()) {
      LOG.warn(
          "authentication is off: no floe.auth.tokens or floe.auth.tokens-file; anyone who reaches"
              + " this port may change the cluster");
    }
    return tokens;
  }

  private static Duration duration(String key, String text) {
    return MetaStoreConfig.parseDurationSetting(key, text);
  }
}
