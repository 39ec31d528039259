package io.floe.controlplane.api;

import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.ControlPlaneSettings;
import io.floe.controlplane.auth.Tokens;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
      @Value("${floe.control-plane.advertised-url:}") String advertised,
      @Value("${floe.failover.heartbeat-interval:200ms}") String heartbeat,
      @Value("${floe.failover.dead-after:1s}") String deadAfter,
      @Value("${floe.operations.threads:16}") int threads) {
    ControlPlaneSettings settings =
        new ControlPlaneSettings(
            cluster,
            Arrays.stream(endpoints.split(",")).map(String::trim).toList(),
            advertised.isBlank() ? "http://127.0.0.1:" + port : advertised,
            duration("floe.failover.heartbeat-interval", heartbeat),
            duration("floe.failover.dead-after", deadAfter),
            threads);
    return new ControlPlane(settings, store).start();
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
