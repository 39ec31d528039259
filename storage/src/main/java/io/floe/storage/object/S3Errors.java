package io.floe.storage.object;

import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK failures into Floe's typed {@link ObjectStoreException}s, naming bucket and key and
 * deciding what is retryable: throttling, 5xx and I/O are; every 4xx is not.
 */
final class S3Errors {
  private final ObjectStoreConfig config;

  S3Errors(ObjectStoreConfig config) {
    this.config = config;
  }

  /** Whether a failure is worth another attempt; used as the retry predicate. */
  static boolean isRetryable(Throwable t) {
    return t instanceof ObjectStoreException e && e.retryable();
  }

  /**
   * Whether a failed write may nevertheless have taken effect: its answer may be what was lost (a
   * dropped connection, a timeout, a 5xx). A refusal before the write (throttling, a conflicting
   * conditional write, any 4xx) is not ambiguous.
   */
  static boolean mayHaveTakenEffect(ObjectStoreException e) {
    if (!e.retryable()) {
      return false;
    }
    return !(e.getCause() instanceof S3Exception s3) || s3.statusCode() >= 500;
  }

  ObjectStoreException translate(String operation, String key, RuntimeException e) {
    if (e instanceof ObjectStoreException ose) {
      return ose;
    }
    if (e instanceof S3Exception s3) {
      return fromStatus(operation, key, s3);
    }
    if (e instanceof SdkClientException || e instanceof UncheckedIOException) {
      return unreachable(operation, key, e);
    }
    if (e instanceof SdkException) {
      return new ObjectStoreException(
          operation + " " + config.location(key) + " failed: " + e.getMessage(), false, e);
    }
    throw e;
  }

  ObjectStoreException translate(String operation, String key, IOException e) {
    return unreachable(operation, key, e);
  }

  private ObjectStoreException fromStatus(String operation, String key, S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    int status = e.statusCode();
    String where = operation + " " + config.location(key);
    if ("NoSuchBucket".equals(code)) {
      return new BucketNotFoundException(
          config.bucket(),
          where + " failed: bucket '" + config.bucket() + "' does not exist; create it first",
          e);
    }
    if (status == 404) {
      return new ObjectNotFoundException(key, where + " failed: no such object", e);
    }
    if (status == 403) {
      return new AccessDeniedException(
          key,
          where
              + " failed: access denied ("
              + code
              + "); check the credentials and the bucket policy",
          e);
    }
    if (status == 412) {
      return new ObjectAlreadyExistsException(key, where + " failed: the object already exists", e);
    }
    if (status == 409 && "ConditionalRequestConflict".equals(code)) {
      // Another conditional write to the key was in flight; it may still fail. S3 says: retry
      // (a multipart upload must be started again). Not a lost race, and nothing was written.
      return new ObjectStoreException(
          where + " failed: a concurrent conditional write to the key was in progress", true, e);
    }
    if (status == 416) {
      return new InvalidRangeException(
          key, where + " failed: the range starts at or past the end of the object", e);
    }
    // 501: the endpoint lacks a feature (e.g. SSE-KMS on S3Proxy); asking again will not add it.
    boolean retryable =
        (status >= 500 && status != 501) || status == 429 || "SlowDown".equals(code);
    return new ObjectStoreException(
        where + " failed with HTTP " + status + " " + code + ": " + message(e), retryable, e);
  }

  private ObjectStoreException unreachable(String operation, String key, Exception e) {
    String endpoint = config.endpoint().map(Object::toString).orElse("the AWS endpoint");
    return new ObjectStoreException(
        operation
            + " "
            + config.location(key)
            + " failed: cannot reach "
            + endpoint
            + " ("
            + e.getMessage()
            + ")",
        true,
        e);
  }

  private static String message(S3Exception e) {
    return e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
  }
}
