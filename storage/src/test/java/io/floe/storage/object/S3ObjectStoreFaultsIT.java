package io.floe.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.floe.testsupport.s3.S3Extension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Misconfiguration and outages give typed errors that say what to fix, in bounded time. */
class S3ObjectStoreFaultsIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private static S3ObjectStore store(Map<String, String> overrides) {
    Map<String, String> p = S3Stores.properties(S3, S3.endpoint());
    p.putAll(overrides);
    return new S3ObjectStore(ObjectStoreConfig.fromProperties(p));
  }

  @Test
  void missingBucketSaysToCreateIt() {
    try (S3ObjectStore store = store(Map.of(ObjectStoreConfig.BUCKET, "no-such-bucket"))) {
      assertThatThrownBy(() -> store.put("k", new byte[] {1}))
          .isInstanceOfSatisfying(
              BucketNotFoundException.class,
              e -> {
                assertThat(e.bucket()).isEqualTo("no-such-bucket");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("'no-such-bucket' does not exist; create it");
              });
      assertThatThrownBy(() -> store.get("k")).isInstanceOf(BucketNotFoundException.class);
      assertThatThrownBy(() -> store.list("").count()).isInstanceOf(BucketNotFoundException.class);
    }
  }

  @Test
  void wrongCredentialsAreAccessDeniedAndNotRetried() {
    try (S3ObjectStore store = store(Map.of(ObjectStoreConfig.SECRET_KEY, "wrong-secret"))) {
      assertThatThrownBy(() -> store.put("k", new byte[] {1}))
          .isInstanceOfSatisfying(
              AccessDeniedException.class,
              e -> {
                assertThat(e.key()).isEqualTo("k");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage())
                    .contains("s3://" + S3.bucket() + "/cluster-a/k")
                    .contains("check the credentials");
              });
    }
  }

  /** S3Proxy has no SSE-KMS: its refusal proves each kind of write asks for it, and is final. */
  @Test
  void writesAskForSseKmsWhenAKeyIsConfigured() {
    try (S3ObjectStore plain = store(Map.of());
        S3ObjectStore store =
            store(
                Map.of(
                    ObjectStoreConfig.KMS_KEY_ID, "alias/floe-backups",
                    ObjectStoreConfig.PART_SIZE, "5MiB"))) {
      plain.put("source", new byte[] {1});
      List<ThrowingCallable> writes =
          List.of(
              () -> store.put("k", new byte[] {1}),
              () -> store.createIfAbsent("c", new byte[] {1}),
              // 6 MiB in 5 MiB parts: the multipart upload asks for SSE-KMS when it starts
              () -> store.putStream("big", new ByteArrayInputStream(new byte[6 << 20]), false),
              () -> store.copy("source", "copied"));
      for (ThrowingCallable write : writes) {
        assertThatThrownBy(write)
            .isInstanceOfSatisfying(
                ObjectStoreException.class,
                e -> {
                  assertThat(e.retryable()).isFalse();
                  assertThat(e.getMessage()).contains("501").containsIgnoringCase("encryption");
                });
      }
      assertThat(plain.head("k")).isEmpty();
      assertThat(plain.head("copied")).isEmpty();
    }
  }

  @Test
  void unreachableEndpointFailsRetryablyWithinBoundedTime() throws IOException {
    URI closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    try (S3ObjectStore store = store(Map.of(ObjectStoreConfig.ENDPOINT, closed.toString()))) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(() -> store.get("k"))
                  .isInstanceOfSatisfying(
                      ObjectStoreException.class,
                      e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("cannot reach " + closed);
                      }));
    }
  }
}
