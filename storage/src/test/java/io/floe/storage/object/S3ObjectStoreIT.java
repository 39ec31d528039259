package io.floe.storage.object;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.testsupport.s3.S3Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/** The {@link ObjectStoreContract} against a real S3 endpoint (S3Proxy) over HTTP. */
class S3ObjectStoreIT extends ObjectStoreContract {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private S3ObjectStore store;

  @BeforeEach
  void openStore() {
    store = S3Stores.open(S3);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Test
  void keysLiveUnderTheConfiguredPrefix() {
    store.put("wal/1.wal", new byte[] {1, 2, 3});

    S3Client raw = new S3Calls(store.config()).client();
    try (raw) {
      assertThat(raw.listObjectsV2(b -> b.bucket(S3.bucket())).contents())
          .singleElement()
          .satisfies(o -> assertThat(o.key()).isEqualTo("cluster-a/wal/1.wal"));
    }
  }
}
