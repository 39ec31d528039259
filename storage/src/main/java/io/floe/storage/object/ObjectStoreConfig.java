package io.floe.storage.object;

import io.floe.core.config.ConfigReader;
import io.floe.core.retry.ResilienceSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where Floe's objects live and how to talk to that store: endpoint (for S3-compatible servers),
 * region, bucket and key prefix, credentials (static ones for local runs, else the default AWS
 * chain), timeouts, multipart part size, SSE-KMS encryption and the retry and circuit breaker
 * settings ({@code s3.retry.*}, {@code s3.circuit-breaker.*}, see {@link ResilienceSettings}).
 *
 * <p>{@link #toString()} never shows the secret key.
 */
public record ObjectStoreConfig(
    Optional<URI> endpoint,
    String region,
    boolean pathStyle,
    String bucket,
    String prefix,
    Optional<StaticCredentials> credentials,
    Duration connectTimeout,
    Duration callTimeout,
    long partSize,
    int listPageSize,
    int deleteBatchSize,
    Optional<String> kmsKeyId,
    ResilienceSettings resilience) {

  public static final String SCOPE = "s3";
  public static final String ENDPOINT = "s3.endpoint";
  public static final String REGION = "s3.region";
  public static final String REGION_DEFAULT = "us-east-1";
  public static final String PATH_STYLE = "s3.path-style";
  public static final boolean PATH_STYLE_DEFAULT = false;
  public static final String BUCKET = "s3.bucket";
  public static final String PREFIX = "s3.prefix";
  public static final String PREFIX_DEFAULT = "";
  public static final String ACCESS_KEY = "s3.access-key";
  public static final String SECRET_KEY = "s3.secret-key";
  public static final String CONNECT_TIMEOUT = "s3.connect-timeout";
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
  public static final String CALL_TIMEOUT = "s3.call-timeout";
  public static final Duration CALL_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
  public static final String PART_SIZE = "s3.part-size";
  public static final long PART_SIZE_DEFAULT = 8L << 20;
  public static final String LIST_PAGE_SIZE = "s3.list.page-size";
  public static final int LIST_PAGE_SIZE_DEFAULT = 1000;
  public static final String DELETE_BATCH_SIZE = "s3.delete.batch-size";
  public static final int DELETE_BATCH_SIZE_DEFAULT = 1000;

  /**
   * When set, every object Floe writes (put, multipart upload, copy) is encrypted with SSE-KMS
   * under this key (id, alias or ARN). Unset: the bucket's default encryption applies.
   */
  public static final String KMS_KEY_ID = "s3.sse-kms-key-id";

  /** S3 refuses parts below 5 MiB (except the last); S3 caps DeleteObjects at 1000 keys. */
  static final long MIN_PART_SIZE = 5L << 20;

  static final int MAX_BATCH = 1000;

  /** An access key and its secret, given explicitly (local runs, S3-compatible servers). */
  public record StaticCredentials(String accessKey, String secretKey) {
    @Override
    public String toString() {
      return "StaticCredentials[accessKey=" + accessKey + ", secretKey=****]";
    }
  }

  public ObjectStoreConfig {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException(BUCKET + " is required");
    }
    prefix = normalizePrefix(prefix);
    check(partSize >= MIN_PART_SIZE, PART_SIZE + " must be at least 5 MiB, was " + partSize);
    check(partSize <= Integer.MAX_VALUE - 8, PART_SIZE + " must be below 2 GiB");
    check(listPageSize >= 1 && listPageSize <= MAX_BATCH, LIST_PAGE_SIZE + " not in [1, 1000]");
    check(
        deleteBatchSize >= 1 && deleteBatchSize <= MAX_BATCH,
        DELETE_BATCH_SIZE + " not in [1, 1000]");
    check(!connectTimeout.isNegative() && !connectTimeout.isZero(), CONNECT_TIMEOUT + " <= 0");
    check(!callTimeout.isNegative() && !callTimeout.isZero(), CALL_TIMEOUT + " <= 0");
  }

  /** Reads the configuration from properties; {@link #BUCKET} is required. */
  public static ObjectStoreConfig fromProperties(Map<String, String> properties) {
    ConfigReader c = new ConfigReader(properties);
    return new ObjectStoreConfig(
        c.string(ENDPOINT).map(URI::create),
        c.string(REGION, REGION_DEFAULT),
        c.bool(PATH_STYLE, PATH_STYLE_DEFAULT),
        c.required(BUCKET),
        c.string(PREFIX, PREFIX_DEFAULT),
        credentials(c),
        c.duration(CONNECT_TIMEOUT, CONNECT_TIMEOUT_DEFAULT),
        c.duration(CALL_TIMEOUT, CALL_TIMEOUT_DEFAULT),
        c.size(PART_SIZE, PART_SIZE_DEFAULT),
        c.integer(LIST_PAGE_SIZE, LIST_PAGE_SIZE_DEFAULT),
        c.integer(DELETE_BATCH_SIZE, DELETE_BATCH_SIZE_DEFAULT),
        c.string(KMS_KEY_ID),
        ResilienceSettings.fromProperties(c, SCOPE));
  }

  /**
   * The same store rooted at {@code {prefix}/{cluster}/} (spec.md §6): every key a cluster writes
   * lives under its own name, so clusters sharing a bucket and prefix never collide.
   */
  public ObjectStoreConfig forCluster(String cluster) {
    if (cluster == null || cluster.isBlank() || cluster.contains("/")) {
      throw new IllegalArgumentException(
          "a cluster name must be non-empty and without '/', found '" + cluster + "'");
    }
    return new ObjectStoreConfig(
        endpoint,
        region,
        pathStyle,
        bucket,
        prefix + cluster,
        credentials,
        connectTimeout,
        callTimeout,
        partSize,
        listPageSize,
        deleteBatchSize,
        kmsKeyId,
        resilience);
  }

  /** Where a relative key lives, for messages: {@code s3://bucket/prefix/key}. */
  public String location(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  private static Optional<StaticCredentials> credentials(ConfigReader c) {
    Optional<String> access = c.string(ACCESS_KEY);
    Optional<String> secret = c.string(SECRET_KEY);
    if (access.isPresent() != secret.isPresent()) {
      throw new IllegalArgumentException(
          ACCESS_KEY + " and " + SECRET_KEY + " must be given together (or neither)");
    }
    return access.map(a -> new StaticCredentials(a, secret.get()));
  }

  /** "" stays ""; anything else ends with exactly one '/' and starts with none. */
  private static String normalizePrefix(String prefix) {
    String p = prefix == null ? "" : prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? "" : p + "/";
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
