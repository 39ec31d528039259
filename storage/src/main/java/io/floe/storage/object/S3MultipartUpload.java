package io.floe.storage.object;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * One multipart upload of a stream, reusing a single part buffer: read a part, upload it (retried,
 * parts are idempotent), repeat; complete (conditionally when asked); abort on any failure so no
 * orphaned parts are left to bill.
 */
final class S3MultipartUpload {
  private static final Logger LOG = LoggerFactory.getLogger(S3MultipartUpload.class);

  /** Reads the next part into the buffer and says how many bytes it holds. */
  interface PartReader {
    int read(String key, InputStream in, byte[] buffer);
  }

  private final S3Calls s3;
  private final String key;
  private final String s3Key;
  private final boolean ifAbsent;
  private final String writeId = S3Calls.newWriteId();

  S3MultipartUpload(S3Calls s3, String key, boolean ifAbsent) {
    this.s3 = s3;
    this.key = key;
    this.s3Key = s3.s3Key(key);
    this.ifAbsent = ifAbsent;
  }

  /** Uploads {@code firstLength} bytes already in {@code buffer}, then the rest of {@code in}. */
  ObjectInfo upload(InputStream in, byte[] buffer, int firstLength, PartReader reader) {
    String uploadId =
        s3.call(
                "createMultipartUpload",
                key,
                () ->
                    s3.client()
                        .createMultipartUpload(
                            b -> {
                              b.bucket(s3.bucket()).key(s3Key).metadata(S3Calls.writeTag(writeId));
                              s3.config()
                                  .kmsKeyId()
                                  .ifPresent(
                                      k ->
                                          b.serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                              .ssekmsKeyId(k));
                            }))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      int length = firstLength;
      while (length > 0) {
        parts.add(uploadPart(uploadId, parts.size() + 1, buffer, length));
        total += length;
        length = length < buffer.length ? 0 : reader.read(key, in, buffer);
      }
      return complete(uploadId, parts, total);
    } catch (RuntimeException e) {
      abort(uploadId, e);
      throw e;
    }
  }

  private CompletedPart uploadPart(String uploadId, int number, byte[] buffer, int length) {
    String etag =
        s3.call(
                "uploadPart " + number + " of",
                key,
                () ->
                    s3.client()
                        .uploadPart(
                            b ->
                                b.bucket(s3.bucket())
                                    .key(s3Key)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .contentLength((long) length),
                            S3Calls.body(buffer, length)))
            .eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  /**
   * Completes the upload. A retry after an attempt with unknown outcome may find the upload gone
   * (NoSuchUpload) or, when conditional, the key taken: it succeeded when the object there carries
   * this upload's write id (see {@link S3Calls#writeTagged}).
   */
  private ObjectInfo complete(String uploadId, List<CompletedPart> parts, long total) {
    return s3.writeTagged(
        "completeMultipartUpload",
        key,
        writeId,
        () -> new ObjectInfo(key, total, attemptComplete(uploadId, parts).eTag()));
  }

  private CompleteMultipartUploadResponse attemptComplete(
      String uploadId, List<CompletedPart> parts) {
    return s3.client()
        .completeMultipartUpload(
            b -> {
              b.bucket(s3.bucket())
                  .key(s3Key)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(parts));
              if (ifAbsent) {
                b.ifNoneMatch("*");
              }
            });
  }

  private void abort(String uploadId, RuntimeException cause) {
    try {
      s3.attempt(
          "abortMultipartUpload",
          key,
          () ->
              s3.client()
                  .abortMultipartUpload(b -> b.bucket(s3.bucket()).key(s3Key).uploadId(uploadId)));
    } catch (RuntimeException e) {
      LOG.warn(
          "aborting upload {} of {} failed; the bucket's lifecycle rule must reap it",
          uploadId,
          s3.config().location(key),
          e);
      cause.addSuppressed(e);
    }
  }
}
