package io.floe.storage.object;

import io.floe.core.retry.Resilience;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * What every S3 operation shares: the SDK client (with its own retries switched off), the retry and
 * circuit breaker policy, error translation and the mapping between Floe keys and S3 keys.
 */
final class S3Calls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3Calls.class);

  private final ObjectStoreConfig config;
  private final S3Client client;
  private final Resilience resilience;
  private final S3Errors errors;

  S3Calls(ObjectStoreConfig config) {
    this.config = config;
    this.client = buildClient(config);
    this.errors = new S3Errors(config);
    this.resilience =
        Resilience.of(
            "s3://" + config.bucket() + "/" + config.prefix(),
            config.resilience(),
            S3Errors::isRetryable);
  }

  S3Client client() {
    return client;
  }

  ObjectStoreConfig config() {
    return config;
  }

  Resilience resilience() {
    return resilience;
  }

  String bucket() {
    return config.bucket();
  }

  /** The S3 key of a Floe key. */
  String s3Key(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an object key must not be empty");
    }
    return config.prefix() + key;
  }

  /** The Floe key of an S3 key under the prefix. */
  String floeKey(String s3Key) {
    return s3Key.substring(config.prefix().length());
  }

  /**
   * Runs one S3 operation on {@code key} with retries; failures come out as typed {@link
   * ObjectStoreException}s.
   */
  <T> T call(String operation, String key, Supplier<T> call) {
    try {
      return resilience.call(() -> attempt(operation, key, call));
    } catch (CallNotPermittedException e) {
      throw new ObjectStoreException(
          operation
              + " "
              + config.location(key)
              + " refused: too many recent failures talking to the store, failing fast"
              + " until the circuit breaker closes",
          true,
          e);
    }
  }

  /** One attempt, translated but not retried. */
  <T> T attempt(String operation, String key, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw errors.translate(operation, key, e);
    }
  }

  S3Errors errors() {
    return errors;
  }

  /** User metadata naming the upload that wrote an object: how a writer recognises its own. */
  static final String WRITE_ID = "floe-write-id";

  static String newWriteId() {
    return UUID.randomUUID().toString();
  }

  static Map<String, String> writeTag(String writeId) {
    return Map.of(WRITE_ID, writeId);
  }

  /**
   * The object at {@code key} if the write tagged {@code writeId} put it there. The tag, not the
   * ETag, decides: under SSE-KMS an ETag is not the MD5 of the bytes, and a rival's identical bytes
   * are not our write.
   */
  Optional<ObjectInfo> writtenBy(String key, String writeId) {
    String s3Key = s3Key(key);
    try {
      HeadObjectResponse r =
          call("head", key, () -> client.headObject(b -> b.bucket(bucket()).key(s3Key)));
      return writeId.equals(r.metadata().get(WRITE_ID))
          ? Optional.of(new ObjectInfo(key, r.contentLength(), r.eTag()))
          : Optional.empty();
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs a write tagged {@code writeId} with retries. An attempt whose answer may have been lost
   * leaves the outcome open, so when the call then ends in failure (the key taken, the upload gone,
   * or giving up) the object at the key decides: if it is ours the write succeeded; if S3 cannot be
   * asked, the outcome is reported as unknown rather than as a failure.
   */
  ObjectInfo writeTagged(String operation, String key, String writeId, Supplier<ObjectInfo> write) {
    AtomicBoolean outcomeUnknown = new AtomicBoolean();
    try {
      return call(
          operation,
          key,
          () -> {
            try {
              return attempt(operation, key, write);
            } catch (ObjectStoreException e) {
              outcomeUnknown.compareAndSet(false, S3Errors.mayHaveTakenEffect(e));
              throw e;
            }
          });
    } catch (ObjectStoreException e) {
      if (!outcomeUnknown.get()) {
        throw e;
      }
      return settle(operation, key, writeId, e);
    }
  }

  private ObjectInfo settle(String operation, String key, String writeId, ObjectStoreException e) {
    Optional<ObjectInfo> ours;
    try {
      ours = writtenBy(key, writeId);
    } catch (ObjectStoreException headFailed) {
      e.addSuppressed(headFailed);
      throw new WriteOutcomeUnknownException(
          key,
          operation
              + " "
              + config.location(key)
              + ": an answer was lost and the store cannot be asked now whether the write took"
              + " effect; re-read the key before acting on it",
          e);
    }
    if (ours.isPresent()) {
      LOG.debug("{} {}: the object there is our earlier attempt", operation, key);
    }
    return ours.orElseThrow(() -> e);
  }

  /** A request body over part of an array, without copying it (the SDK may read it twice). */
  static RequestBody body(byte[] data, int length) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
  }

  @Override
  public void close() {
    client.close();
  }

  private static S3Client buildClient(ObjectStoreConfig config) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyle())
            .credentialsProvider(credentials(config))
            // checksums only where S3 demands them: S3-compatible servers vary in trailer support
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(config.connectTimeout())
                    .socketTimeout(config.callTimeout()))
            .overrideConfiguration(
                c ->
                    c.retryStrategy(DefaultRetryStrategy.doNotRetry()) // Resilience retries
                        .apiCallAttemptTimeout(config.callTimeout())
                        .apiCallTimeout(config.callTimeout()));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(ObjectStoreConfig config) {
    return config
        .credentials()
        .<AwsCredentialsProvider>map(
            c ->
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(c.accessKey(), c.secretKey())))
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }
}
