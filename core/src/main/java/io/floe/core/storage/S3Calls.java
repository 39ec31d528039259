package io.floe.core.storage;

import io.floe.core.retry.Resilience;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.ByteArrayInputStream;
import java.util.function.Supplier;
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

/**
 * What every S3 operation shares: the SDK client (with its own retries switched off), the retry and
 * circuit breaker policy, error translation and the mapping between Floe keys and S3 keys.
 */
final class S3Calls implements AutoCloseable {
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
