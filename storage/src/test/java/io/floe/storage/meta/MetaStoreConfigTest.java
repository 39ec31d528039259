package io.floe.storage.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaStoreConfigTest {

  @Test
  void defaultsApplyToMissingKeys() {
    MetaStoreConfig config = MetaStoreConfig.fromMap(Map.of());
    assertThat(config.endpoints()).containsExactly(MetaStoreConfig.ENDPOINTS_DEFAULT);
    assertThat(config.callTimeout()).isEqualTo(MetaStoreConfig.CALL_TIMEOUT_DEFAULT);
    assertThat(config.retry()).isEqualTo(MetaStoreConfig.RETRY_DEFAULT);
    assertThat(config.namespace()).isEmpty();
  }

  @Test
  void readsEveryKey() {
    MetaStoreConfig config =
        MetaStoreConfig.fromMap(
            Map.of(
                MetaStoreConfig.ENDPOINTS,
                "http://a:1, http://b:2",
                MetaStoreConfig.CALL_TIMEOUT,
                "1500ms",
                MetaStoreConfig.CONNECT_TIMEOUT,
                "PT1S",
                "etcd.retry.max-attempts",
                "7",
                MetaStoreConfig.LEASE_SAFETY_MARGIN,
                "0.5s",
                MetaStoreConfig.NAMESPACE,
                "/t1"));
    assertThat(config.endpoints()).isEqualTo(List.of("http://a:1", "http://b:2"));
    assertThat(config.callTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.retry().maxAttempts()).isEqualTo(7);
    assertThat(config.retry().openDuration())
        .isEqualTo(MetaStoreConfig.RETRY_DEFAULT.openDuration());
    assertThat(config.leaseSafetyMargin()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.namespace()).isEqualTo("/t1");
  }

  @Test
  void safetyMarginIsAtMostHalfTheTtl() {
    MetaStoreConfig config = MetaStoreConfig.of(List.of("http://a:1"));
    assertThat(config.safetyMarginFor(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.safetyMarginFor(Duration.ofSeconds(10)))
        .isEqualTo(MetaStoreConfig.LEASE_SAFETY_MARGIN_DEFAULT);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> MetaStoreConfig.fromMap(Map.of(MetaStoreConfig.CALL_TIMEOUT, "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcd.call-timeout");
    assertThatThrownBy(() -> MetaStoreConfig.fromMap(Map.of(MetaStoreConfig.ENDPOINTS, " , ")))
        .hasMessageContaining("etcd.endpoints");
  }

  @Test
  void theRemovedLeaseTtlKeyIsRefusedNamingTheOneThatWorks() {
    assertThatThrownBy(() -> MetaStoreConfig.fromMap(Map.of("etcd.lease-ttl", "5s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcd.lease-ttl")
        .hasMessageContaining("node.lease-ttl");
  }
}
