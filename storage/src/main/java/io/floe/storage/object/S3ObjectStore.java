package io.floe.storage.object;

import io.floe.core.retry.Resilience;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link ObjectStore} on an S3 bucket (or an S3-compatible endpoint) through the AWS SDK v2 sync
 * client. Every call goes through one {@link Resilience} policy (the SDK's own retries are off);
 * failures come out typed and name the bucket and key.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Calls s3;
  private final S3Writer writer;

  public S3ObjectStore(ObjectStoreConfig config) {
    this.s3 = new S3Calls(config);
    this.writer = new S3Writer(s3);
  }

  public ObjectStoreConfig config() {
    return s3.config();
  }

  /** The retry and circuit breaker policy, for health reporting. */
  public Resilience resilience() {
    return s3.resilience();
  }

  /** The most bytes ever held at once in part buffers of streamed uploads. */
  public long maxBufferedBytes() {
    return writer.buffers().highWater();
  }

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    return writer.createIfAbsent(key, data, data.length);
  }

  @Override
  public ObjectInfo put(String key, byte[] data) {
    return writer.put(key, data, data.length);
  }

  @Override
  public ObjectInfo putStream(String key, InputStream data, boolean ifAbsent) {
    return writer.putStream(key, data, ifAbsent);
  }

  @Override
  public byte[] get(String key) {
    return read("get", key, null);
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "invalid range of " + key + ": offset " + offset + ", length " + length);
    }
    long last = offset + length - 1 < 0 ? Long.MAX_VALUE : offset + length - 1;
    return read("getRange", key, "bytes=" + offset + "-" + last);
  }

  @Override
  public byte[] getTail(String key, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("invalid tail length of " + key + ": " + length);
    }
    return read("getTail", key, "bytes=-" + length);
  }

  private byte[] read(String operation, String key, String range) {
    String s3Key = s3.s3Key(key);
    return s3.call(
            operation,
            key,
            () -> s3.client().getObjectAsBytes(b -> b.bucket(s3.bucket()).key(s3Key).range(range)))
        .asByteArrayUnsafe();
  }

  /** Opens the object; a failure while reading the stream surfaces as an IOException. */
  @Override
  public InputStream open(String key) {
    String s3Key = s3.s3Key(key);
    return s3.call("open", key, () -> s3.client().getObject(b -> b.bucket(s3.bucket()).key(s3Key)));
  }

  /** Empty for a missing key; a HEAD cannot tell a missing bucket from a missing key. */
  @Override
  public Optional<ObjectInfo> head(String key) {
    String s3Key = s3.s3Key(key);
    try {
      HeadObjectResponse r =
          s3.call("head", key, () -> s3.client().headObject(b -> b.bucket(s3.bucket()).key(s3Key)));
      return Optional.of(new ObjectInfo(key, r.contentLength(), r.eTag()));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return S3Listing.stream(s3, prefix, null);
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    return S3Listing.stream(s3, prefix, startAfter);
  }

  @Override
  public ObjectInfo copy(String sourceKey, String targetKey) {
    String from = s3.s3Key(sourceKey);
    String to = s3.s3Key(targetKey);
    s3.call(
        "copy to " + targetKey + " from",
        sourceKey,
        () ->
            s3.client()
                .copyObject(
                    b -> {
                      b.sourceBucket(s3.bucket())
                          .sourceKey(from)
                          .destinationBucket(s3.bucket())
                          .destinationKey(to);
                      s3.config()
                          .kmsKeyId()
                          .ifPresent(
                              k ->
                                  b.serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                      .ssekmsKeyId(k));
                    }));
    return head(targetKey)
        .orElseThrow(
            () ->
                new ObjectStoreException(
                    "copy to " + s3.config().location(targetKey) + " left no object", true, null));
  }

  @Override
  public void delete(List<String> keys) {
    int batch = s3.config().deleteBatchSize();
    for (int from = 0; from < keys.size(); from += batch) {
      deleteBatch(keys.subList(from, Math.min(keys.size(), from + batch)));
    }
  }

  private void deleteBatch(List<String> keys) {
    List<ObjectIdentifier> ids =
        keys.stream().map(k -> ObjectIdentifier.builder().key(s3.s3Key(k)).build()).toList();
    DeleteObjectsResponse r =
        s3.call(
            "delete " + keys.size() + " keys from",
            keys.get(0),
            () ->
                s3.client()
                    .deleteObjects(
                        b -> b.bucket(s3.bucket()).delete(d -> d.objects(ids).quiet(true))));
    if (r.hasErrors() && !r.errors().isEmpty()) {
      S3Error first = r.errors().get(0);
      throw new ObjectStoreException(
          "delete of "
              + r.errors().size()
              + " keys failed, first "
              + s3.config().location(s3.floeKey(first.key()))
              + ": "
              + first.code()
              + " "
              + first.message(),
          "InternalError".equals(first.code()) || "SlowDown".equals(first.code()),
          null);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
