package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.testsupport.s3.S3Extension;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** spec.md §6: every key a cluster writes is under {@code {prefix}/{cluster}/}. */
@Timeout(60)
class ClusterRootIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  Properties settings(String cluster) {
    Properties p = new Properties();
    p.putAll(S3.settings());
    p.setProperty("s3.prefix", "shared");
    p.setProperty("cluster.name", cluster);
    return p;
  }

  @Test
  void twoClustersSharingABucketAndPrefixNeverCollide() {
    try (NodeDurability a = NodeDurability.start("n1", settings("alpha"));
        NodeDurability b = NodeDurability.start("n1", settings("beta"))) {
      // each cluster's node n1 is its own first incarnation: they share no stream
      assertThat(a.shipper().incarnation()).isEqualTo(1);
      assertThat(b.shipper().incarnation()).isEqualTo(1);
    }
    Map<String, String> raw = S3.settings();
    try (ObjectStore bucket = new S3ObjectStore(ObjectStoreConfig.fromProperties(raw))) {
      List<String> keys = bucket.list("").map(ObjectInfo::key).toList();
      assertThat(keys)
          .isNotEmpty()
          .allSatisfy(k -> assertThat(k).matches("shared/(alpha|beta)/nodes/n1/incarnations/.*"));
      assertThat(keys).anyMatch(k -> k.startsWith("shared/alpha/"));
      assertThat(keys).anyMatch(k -> k.startsWith("shared/beta/"));
    }
  }
}
