package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.dataplane.DataNode;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import io.floe.testsupport.etcd.EtcdExtension;
import io.floe.testsupport.s3.S3Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the README's run command shows, on real etcd and S3 over HTTP: the demo table placed over
 * three nodes, written with durability=s3 and read back; then the nodes replaced by new ones with
 * empty memory, which reload every row from S3. Every node serves its metrics.
 */
@Timeout(120)
class LocalDemoIT {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @RegisterExtension static S3Extension s3 = new S3Extension();

  @Test
  void demoTableIsWrittenReadAndReloadedFromS3() throws Exception {
    Map<String, String> s3Settings =
        LocalCluster.s3Settings(
            s3.endpoint().toString(), s3.bucket(), s3.region(), s3.accessKey(), s3.secretKey());

    List<String> first = runDemo(s3Settings);
    assertThat(first).anyMatch(line -> line.startsWith("created demo.kv"));
    assertThat(first).anyMatch(line -> line.contains("get(1000) = [1000, row 1000, 500.0]"));
    assertThat(first).anyMatch(line -> line.startsWith("rows now: 1000;"));
    // an s3 table's acknowledged puts are in WAL objects under the cluster's root
    assertThat(first).noneMatch(line -> line.endsWith("WAL objects in S3: 0"));

    List<String> second = runDemo(s3Settings);
    assertThat(second).anyMatch(line -> line.startsWith("found demo.kv"));
    assertThat(second).contains("1000 rows reloaded from S3 after the restart");
    assertThat(second).anyMatch(line -> line.startsWith("rows now: 2000;"));
  }

  /** Three fresh nodes (empty memory, new incarnations) and one run of the demo. */
  private static List<String> runDemo(Map<String, String> s3Settings) throws Exception {
    List<DataNode> nodes = new ArrayList<>();
    try (EtcdMetaStore meta = EtcdMetaStore.connect(MetaStoreConfig.of(etcd.endpoints()))) {
      for (int i = 0; i < LocalCluster.NODES; i++) {
        nodes.add(DataNode.start(LocalCluster.nodeConfig(i, 0, 0, etcd.endpoints(), s3Settings)));
      }
      List<String> lines = new LocalDemo(meta, LocalCluster.CLUSTER, nodes, s3Settings).run();
      assertThat(nodes).allMatch(node -> node.metricsPort().isPresent());
      return lines;
    } finally {
      nodes.forEach(DataNode::close);
    }
  }
}
