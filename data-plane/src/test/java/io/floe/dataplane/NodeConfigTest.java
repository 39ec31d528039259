package io.floe.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.dataplane.cluster.ClusterSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  @Test
  void withoutEtcdEndpointsTheNodeStaysOutOfAnyCluster() throws Exception {
    NodeConfig config = NodeConfig.parse("--node.id", "n1");
    assertThat(config.metaStore()).isEmpty();
    assertThat(config.cluster().cluster()).isEqualTo(ClusterSettings.CLUSTER_DEFAULT);
    assertThat(config.cluster().leaseTtl()).isEqualTo(ClusterSettings.LEASE_TTL_DEFAULT);
    assertThat(config.incarnation(42)).isEqualTo(42);
  }

  @Test
  void etcdAndClusterSettingsComeFromFlags() throws Exception {
    NodeConfig config =
        NodeConfig.parse(
            "--etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:2",
            "--cluster.name=prod",
            "--node.lease-ttl=5s",
            "--node.status-interval=250ms",
            "--node.incarnation=7");
    assertThat(config.metaStore().orElseThrow().endpoints())
        .containsExactly("http://127.0.0.1:1", "http://127.0.0.1:2");
    assertThat(config.cluster())
        .isEqualTo(new ClusterSettings("prod", Duration.ofSeconds(5), Duration.ofMillis(250)));
    assertThat(config.incarnation(42)).isEqualTo(7);
  }

  @Test
  void aLeaseTooShortToFenceSafelyIsRefused() throws Exception {
    NodeConfig config = NodeConfig.parse("--node.lease-ttl=500ms");
    assertThatThrownBy(config::cluster)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node.lease-ttl must be at least 2s");
  }

  @Test
  void metricsAreServedOnlyWhenAPortIsGivenAndZeroPicksAFreeOne() throws Exception {
    assertThat(NodeConfig.parse("--node.id", "n1").metricsPort()).isEmpty();
    assertThat(NodeConfig.parse("--node.metrics-port=9401").metricsPort()).hasValue(9401);
    assertThat(NodeConfig.parse("--node.metrics-port", "0").metricsPort()).hasValue(0);
    assertThatThrownBy(() -> NodeConfig.parse("--node.metrics-port=70000").metricsPort())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node.metrics-port must be a port number")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> NodeConfig.parse("--node.metrics-port=on").metricsPort())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node.metrics-port has an invalid value 'on'");
  }
}
