package io.floe.storage.object;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Writes objects to S3: plain and conditional puts, and streams of unknown length as multipart
 * uploads holding one part buffer at a time.
 */
final class S3Writer {
  private final S3Calls s3;
  private final PartBuffers buffers;

  S3Writer(S3Calls s3) {
    this.s3 = s3;
    this.buffers = new PartBuffers(s3.config().partSize());
  }

  PartBuffers buffers() {
    return buffers;
  }

  ObjectInfo put(String key, byte[] data, int length) {
    PutObjectRequest request = putRequest(key, null, null);
    PutObjectResponse r =
        s3.call("put", key, () -> s3.client().putObject(request, S3Calls.body(data, length)));
    return new ObjectInfo(key, length, r.eTag());
  }

  /**
   * A conditional put, tagged with a write id of its own so that when an attempt's answer is lost
   * and a later attempt finds the key taken (or the retries give up), the object there can be
   * recognised as our earlier write or as someone else's (see {@link S3Calls#writeTagged}).
   */
  ObjectInfo createIfAbsent(String key, byte[] data, int length) {
    String writeId = S3Calls.newWriteId();
    PutObjectRequest request = putRequest(key, "*", writeId);
    return s3.writeTagged(
        "createIfAbsent",
        key,
        writeId,
        () -> {
          PutObjectResponse r = s3.client().putObject(request, S3Calls.body(data, length));
          return new ObjectInfo(key, length, r.eTag());
        });
  }

  private PutObjectRequest putRequest(String key, String ifNoneMatch, String writeId) {
    PutObjectRequest.Builder b =
        PutObjectRequest.builder().bucket(s3.bucket()).key(s3.s3Key(key)).ifNoneMatch(ifNoneMatch);
    if (writeId != null) {
      b.metadata(S3Calls.writeTag(writeId));
    }
    s3.config()
        .kmsKeyId()
        .ifPresent(k -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(k));
    return b.build();
  }

  /** Uploads a stream: one put when it fits a part, else a multipart upload. */
  ObjectInfo putStream(String key, InputStream in, boolean ifAbsent) {
    byte[] buffer = buffers.acquire();
    try {
      int n = readPart(key, in, buffer);
      if (n < buffer.length) {
        return ifAbsent ? createIfAbsent(key, buffer, n) : put(key, buffer, n);
      }
      return new S3MultipartUpload(s3, key, ifAbsent).upload(in, buffer, n, this::readPart);
    } finally {
      buffers.release(buffer);
    }
  }

  /** Fills {@code buffer} from the stream; fewer bytes than its length means the stream ended. */
  int readPart(String key, InputStream in, byte[] buffer) {
    try {
      return in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      throw new ObjectStoreException(
          "reading the data to upload to " + s3.config().location(key) + " failed", false, e);
    }
  }
}
