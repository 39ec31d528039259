package io.floe.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.testsupport.s3.FaultyS3Front;
import io.floe.testsupport.s3.S3Extension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/** Large streams go up as multipart uploads holding one part buffer, and failures abort them. */
class S3MultipartUploadIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();
  private static final long MIB = 1 << 20;
  private static final long PART_SIZE = ObjectStoreConfig.PART_SIZE_DEFAULT;

  private FaultyS3Front front;
  private S3ObjectStore store;

  @BeforeEach
  void start() {
    front = FaultyS3Front.start(S3.endpoint());
    store =
        new S3ObjectStore(
            ObjectStoreConfig.fromProperties(S3Stores.properties(S3, front.endpoint())));
  }

  @AfterEach
  void stop() {
    store.close();
    front.close();
  }

  @Test
  void sixtyFourMibStreamIsUploadedInPartsWithOnePartBuffered() throws Exception {
    GeneratedStream data = new GeneratedStream(64 * MIB, Long.MAX_VALUE);

    ObjectInfo info = store.putStream("snap/big.parquet", data, false);

    assertThat(info.size()).isEqualTo(64 * MIB);
    assertThat(front.requestLines()).filteredOn(l -> l.contains("partNumber=")).hasSize(8);
    assertThat(store.maxBufferedBytes()).isLessThanOrEqualTo(PART_SIZE);
    try (InputStream back = store.open("snap/big.parquet")) {
      assertThat(sha256(back)).isEqualTo(data.sha256());
    }
  }

  @Test
  void throttledPartIsRetriedWithinTheUpload() throws Exception {
    GeneratedStream data = new GeneratedStream(12 * MIB, Long.MAX_VALUE);
    front.passNext(1).slowDownNext(1); // createMultipartUpload passes, part 1 is throttled once

    store.putStream("retried", data, false);

    assertThat(front.requestLines())
        .filteredOn(l -> l.contains("partNumber=1&") || l.contains("partNumber=1 "))
        .hasSize(2);
    try (InputStream back = store.open("retried")) {
      assertThat(sha256(back)).isEqualTo(data.sha256());
    }
  }

  @Test
  void lostAnswerToTheCompletionIsRecognisedAsOurOwnUpload() throws Exception {
    GeneratedStream data = new GeneratedStream(12 * MIB, Long.MAX_VALUE);
    front.passNext(3).loseResponseNext(1); // create, part 1, part 2 pass; completion's answer lost

    ObjectInfo info = store.putStream("completed-once", data, true);

    assertThat(info.size()).isEqualTo(12 * MIB);
    try (InputStream back = store.open("completed-once")) {
      assertThat(sha256(back)).isEqualTo(data.sha256());
    }
  }

  @Test
  void failingSourceStreamAbortsTheUpload() {
    GeneratedStream broken = new GeneratedStream(64 * MIB, 20 * MIB);

    assertThatThrownBy(() -> store.putStream("broken", broken, false))
        .isInstanceOfSatisfying(
            ObjectStoreException.class,
            e -> assertThat(e.getMessage()).contains("reading the data to upload"));
    assertThat(store.head("broken")).isEmpty();
    assertThat(pendingUploads()).isZero();
  }

  @Test
  void conditionalMultipartUploadLosesToAnExistingObjectAndAborts() {
    store.put("taken", new byte[] {1});

    assertThatThrownBy(
            () -> store.putStream("taken", new GeneratedStream(10 * MIB, Long.MAX_VALUE), true))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(store.get("taken")).containsExactly(1);
    assertThat(pendingUploads()).isZero();
  }

  private int pendingUploads() {
    try (S3Client raw = new S3Calls(store.config()).client()) {
      return raw.listMultipartUploads(b -> b.bucket(S3.bucket())).uploads().size();
    }
  }

  private static byte[] sha256(InputStream in) throws IOException {
    MessageDigest digest = newSha256();
    try (DigestInputStream d = new DigestInputStream(in, digest)) {
      d.transferTo(OutputStream.nullOutputStream());
    }
    return digest.digest();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A deterministic pseudo-random stream of a given size that digests what it hands out, and fails
   * with an IOException once {@code failAt} bytes have been read.
   */
  private static final class GeneratedStream extends InputStream {
    private final long size;
    private final long failAt;
    private final MessageDigest digest = newSha256();
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    GeneratedStream(long size, long failAt) {
      this.size = size;
      this.failAt = failAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= failAt) {
        throw new IOException("source broke at byte " + position);
      }
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, Math.min(size - position, 64 * 1024));
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      digest.update(b, off, n);
      position += n;
      return n;
    }

    byte[] sha256() {
      return digest.digest();
    }
  }
}
