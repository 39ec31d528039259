package io.floe.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectStoreConfigTest {
  private static Map<String, String> minimal() {
    return new HashMap<>(Map.of(ObjectStoreConfig.BUCKET, "floe-data"));
  }

  @Test
  void onlyTheBucketIsRequiredEverythingElseHasDefaults() {
    ObjectStoreConfig c = ObjectStoreConfig.fromProperties(minimal());

    assertThat(c.bucket()).isEqualTo("floe-data");
    assertThat(c.endpoint()).isEmpty();
    assertThat(c.region()).isEqualTo(ObjectStoreConfig.REGION_DEFAULT);
    assertThat(c.prefix()).isEmpty();
    assertThat(c.credentials()).isEmpty(); // the default AWS chain
    assertThat(c.kmsKeyId()).isEmpty(); // the bucket's default encryption
    assertThat(c.partSize()).isEqualTo(8L << 20);
    assertThat(c.connectTimeout()).isEqualTo(ObjectStoreConfig.CONNECT_TIMEOUT_DEFAULT);
    assertThat(c.resilience().maxAttempts()).isEqualTo(5);
  }

  @Test
  void aClusterIsRootedUnderItsNameBelowThePrefix() {
    Map<String, String> p = minimal();
    p.put("s3.prefix", "/prod/");
    ObjectStoreConfig c = ObjectStoreConfig.fromProperties(p);
    assertThat(c.forCluster("alpha").prefix()).isEqualTo("prod/alpha/");
    assertThat(ObjectStoreConfig.fromProperties(minimal()).forCluster("alpha").prefix())
        .isEqualTo("alpha/");
    assertThatThrownBy(() -> c.forCluster("a/b")).hasMessageContaining("without '/'");
    assertThatThrownBy(() -> c.forCluster(" ")).hasMessageContaining("non-empty");
  }

  @Test
  void readsEveryKey() {
    Map<String, String> p = minimal();
    p.put("s3.endpoint", "http://127.0.0.1:9000");
    p.put("s3.region", "eu-west-1");
    p.put("s3.path-style", "true");
    p.put("s3.prefix", "/prod/cluster-1/");
    p.put("s3.access-key", "AK");
    p.put("s3.secret-key", "SK");
    p.put("s3.connect-timeout", "750ms");
    p.put("s3.call-timeout", "20s");
    p.put("s3.part-size", "16MiB");
    p.put("s3.list.page-size", "100");
    p.put("s3.sse-kms-key-id", "alias/floe-backups");
    p.put("s3.retry.max-attempts", "7");
    p.put("s3.retry.initial-backoff", "50ms");
    p.put("s3.circuit-breaker.open-duration", "5s");

    ObjectStoreConfig c = ObjectStoreConfig.fromProperties(p);

    assertThat(c.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(c.kmsKeyId()).contains("alias/floe-backups");
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.pathStyle()).isTrue();
    assertThat(c.prefix()).isEqualTo("prod/cluster-1/");
    assertThat(c.credentials()).hasValue(new ObjectStoreConfig.StaticCredentials("AK", "SK"));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.partSize()).isEqualTo(16L << 20);
    assertThat(c.listPageSize()).isEqualTo(100);
    assertThat(c.resilience().maxAttempts()).isEqualTo(7);
    assertThat(c.resilience().initialBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.resilience().openDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.location("wal/1.wal")).isEqualTo("s3://floe-data/prod/cluster-1/wal/1.wal");
  }

  @Test
  void toStringNeverShowsTheSecret() {
    Map<String, String> p = minimal();
    p.put("s3.access-key", "AKIAEXAMPLE");
    p.put("s3.secret-key", "very-secret-value");

    String shown = ObjectStoreConfig.fromProperties(p).toString();

    assertThat(shown).contains("AKIAEXAMPLE").doesNotContain("very-secret-value").contains("****");
  }

  @Test
  void rejectsIncompleteOrImpossibleSettings() {
    assertThatThrownBy(() -> ObjectStoreConfig.fromProperties(Map.of()))
        .hasMessage("s3.bucket is required");
    Map<String, String> halfCredentials = minimal();
    halfCredentials.put("s3.access-key", "AK");
    assertThatThrownBy(() -> ObjectStoreConfig.fromProperties(halfCredentials))
        .hasMessageContaining("s3.secret-key");
    Map<String, String> tinyParts = minimal();
    tinyParts.put("s3.part-size", "1MiB");
    assertThatThrownBy(() -> ObjectStoreConfig.fromProperties(tinyParts))
        .hasMessageContaining("s3.part-size must be at least 5 MiB");
    Map<String, String> bigPages = minimal();
    bigPages.put("s3.list.page-size", "5000");
    assertThatThrownBy(() -> ObjectStoreConfig.fromProperties(bigPages))
        .hasMessageContaining("s3.list.page-size");
  }
}
