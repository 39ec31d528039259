package io.floe.testsupport.s3;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class one embedded {@link S3Server} and each test method a fresh,
 * empty bucket. Register it on a static field:
 *
 * <pre>{@code @RegisterExtension static final S3Extension S3 = new S3Extension();}</pre>
 *
 * then read {@link #endpoint()}, {@link #accessKey()}, {@link #secretKey()}, {@link #region()} and
 * {@link #bucket()} in the tests.
 */
public final class S3Extension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3Server server;
  private volatile String bucket;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = S3Server.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    bucket = "test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    server().createBucket(bucket);
  }

  public S3Server server() {
    if (server == null) {
      throw new IllegalStateException("S3Extension must be registered on a static field");
    }
    return server;
  }

  public URI endpoint() {
    return server().endpoint();
  }

  public String accessKey() {
    return server().accessKey();
  }

  public String secretKey() {
    return server().secretKey();
  }

  public String region() {
    return server().region();
  }

  /** The bucket created for the current test method. */
  public String bucket() {
    return bucket;
  }

  /**
   * The {@code s3.*} settings of a node or store using this endpoint and the current test's bucket
   * (a mutable copy).
   */
  public Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("s3.endpoint", endpoint().toString());
    s.put("s3.path-style", "true");
    s.put("s3.bucket", bucket());
    s.put("s3.region", region());
    s.put("s3.access-key", accessKey());
    s.put("s3.secret-key", secretKey());
    return s;
  }
}
