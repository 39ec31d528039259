package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.storage.ObjectInfo;
import io.floe.core.storage.ObjectStore;
import io.floe.core.storage.ObjectStoreConfig;
import io.floe.core.storage.S3ObjectStore;
import io.floe.testsupport.s3.S3Extension;
import java.util.HashMap;
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
    p.setProperty("s3.endpoint", S3.endpoint().toString());
    p.setProperty("s3.path-style", "true");
    p.setProperty("s3.bucket", S3.bucket());
    p.setProperty("s3.region", S3.region());
    p.setProperty("s3.access-key", S3.accessKey());
    p.setProperty("s3.secret-key", S3.secretKey());
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
    Map<String, String> raw = new HashMap<>();
    settings("unused").forEach((k, v) -> raw.put((String) k, (String) v));
    raw.remove("s3.prefix");
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
