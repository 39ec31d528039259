package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.dataplane.DataNode;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the README's run command shows, on real etcd and S3 over HTTP: the demo table created
 * through two control planes over three nodes (3 replicas, replicated), written and read back, and
 * the CLI's showtablet and showtable; then the nodes replaced by new ones with empty memory, which
 * reload every row from S3 (the control plane fails over the fresh leaders, which stand by). Every
 * node serves its metrics.
 */
@Timeout(300)
class LocalDemoIT {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @RegisterExtension static S3Extension s3 = new S3Extension();

  @Test
  void demoTableIsWrittenReadAndReloadedFromS3() throws Exception {
    Map<String, String> s3Settings =
        LocalCluster.s3Settings(
            s3.endpoint().toString(), s3.bucket(), s3.region(), s3.accessKey(), s3.secretKey());

    List<String> first = runDemo(s3Settings);
    assertThat(first).anyMatch(line -> line.startsWith("created demo.kv through the control API"));
    assertThat(first).anyMatch(line -> line.contains("get(1000) = [1000, row 1000, 500.0]"));
    assertThat(first).contains("rows now: 1000");
    assertThat(String.join("\n", first))
        .contains("kHealthy")
        .contains("is_alive")
        .contains("demo.kv");

    List<String> second = runDemo(s3Settings);
    assertThat(second).anyMatch(line -> line.startsWith("found demo.kv"));
    assertThat(second).contains("1000 rows reloaded from S3 after the restart");
    assertThat(second).contains("rows now: 2000");
  }

  /**
   * Three fresh nodes (empty memory, new incarnations), two control planes, one run of the demo and
   * the CLI's views; everything stopped after it, as Ctrl-C stops the local cluster.
   */
  private static List<String> runDemo(Map<String, String> s3Settings) throws Exception {
    List<DataNode> nodes = new ArrayList<>();
    List<EmbeddedServer> controlPlanes = new ArrayList<>();
    try {
      for (int i = 0; i < LocalCluster.NODES; i++) {
        nodes.add(DataNode.start(LocalCluster.nodeConfig(i, 0, 0, etcd.endpoints(), s3Settings)));
      }
      assertThat(nodes).allMatch(node -> node.metricsPort().isPresent());
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < LocalCluster.CONTROL_PLANES; i++) {
        EmbeddedServer cp =
            LocalCluster.startControlPlane(freePort(), etcd.endpoints(), s3Settings);
        controlPlanes.add(cp);
        urls.add("http://127.0.0.1:" + cp.getPort());
      }
      LocalDemo demo = new LocalDemo(urls, nodes);
      List<String> out = new ArrayList<>(demo.run());
      out.addAll(demo.floe("ns", "showtablet"));
      out.addAll(demo.floe("ns", "showtable", LocalDemo.TABLE));
      return out;
    } finally {
      controlPlanes.forEach(EmbeddedServer::stop);
      nodes.forEach(DataNode::close);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
