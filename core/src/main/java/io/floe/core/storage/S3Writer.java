package io.floe.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Writes objects to S3: plain and conditional puts, and streams of unknown length as multipart
 * uploads holding one part buffer at a time.
 */
final class S3Writer {
  private static final Logger LOG = LoggerFactory.getLogger(S3Writer.class);

  private final S3Calls s3;
  private final S3ObjectStore store;
  private final PartBuffers buffers;

  S3Writer(S3Calls s3, S3ObjectStore store) {
    this.s3 = s3;
    this.store = store;
    this.buffers = new PartBuffers(s3.config().partSize());
  }

  PartBuffers buffers() {
    return buffers;
  }

  ObjectInfo put(String key, byte[] data, int length) {
    String s3Key = s3.s3Key(key);
    PutObjectResponse r =
        s3.call(
            "put",
            key,
            () ->
                s3.client()
                    .putObject(b -> b.bucket(s3.bucket()).key(s3Key), S3Calls.body(data, length)));
    return new ObjectInfo(key, length, r.eTag());
  }

  /**
   * A conditional put, retried with care: when an attempt's outcome is unknown (a timeout, a 5xx)
   * and a later attempt finds the key taken, the object there may be our own earlier write. It is
   * ours when its ETag is the MD5 of our bytes; identical bytes from another writer would be the
   * same object anyway.
   */
  ObjectInfo createIfAbsent(String key, byte[] data, int length) {
    String s3Key = s3.s3Key(key);
    AtomicBoolean earlierOutcomeUnknown = new AtomicBoolean();
    return s3.call(
        "createIfAbsent",
        key,
        () -> {
          try {
            PutObjectResponse r =
                s3.attempt(
                    "createIfAbsent",
                    key,
                    () ->
                        s3.client()
                            .putObject(
                                b -> b.bucket(s3.bucket()).key(s3Key).ifNoneMatch("*"),
                                S3Calls.body(data, length)));
            return new ObjectInfo(key, length, r.eTag());
          } catch (ObjectAlreadyExistsException lost) {
            if (earlierOutcomeUnknown.get()) {
              Optional<ObjectInfo> ours = ownEarlierWrite(key, data, length);
              if (ours.isPresent()) {
                return ours.get();
              }
            }
            throw lost;
          } catch (ObjectStoreException e) {
            earlierOutcomeUnknown.compareAndSet(false, e.retryable());
            throw e;
          }
        });
  }

  private Optional<ObjectInfo> ownEarlierWrite(String key, byte[] data, int length) {
    String md5 = md5Hex(data, length);
    return store
        .head(key)
        .filter(info -> info.size() == length && unquote(info.etag()).equalsIgnoreCase(md5))
        .map(
            info -> {
              LOG.debug("createIfAbsent {}: the existing object is our earlier write", key);
              return info;
            });
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

  private static String unquote(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  static String md5Hex(byte[] data, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(data, 0, length);
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
