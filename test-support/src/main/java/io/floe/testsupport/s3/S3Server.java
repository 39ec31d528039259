package io.floe.testsupport.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 endpoint inside this JVM: S3Proxy over a filesystem blob store in a temporary folder,
 * listening on a free loopback port and checking SigV4 signatures against fixed credentials.
 *
 * <p>Used by integration tests (through {@link S3Extension}) and by the local-run launcher, which
 * needs a plain object: {@code try (S3Server s3 = S3Server.start()) { ... }}.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "floe-local-access";
  public static final String SECRET_KEY = "floe-local-secret";
  public static final String REGION = "us-east-1";

  private final Path baseDir;
  private final boolean ownsBaseDir;
  private final BlobStore blobStore;
  private final S3Proxy proxy;
  private final URI endpoint;

  private S3Server(Path baseDir, boolean ownsBaseDir, int port) throws Exception {
    this.baseDir = baseDir;
    this.ownsBaseDir = ownsBaseDir;
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    this.blobStore = BlobStores.create("filesystem", props);
    this.proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts a server over a fresh temporary folder, deleted again on {@link #close()}. */
  public static S3Server start() {
    try {
      return new S3Server(Files.createTempDirectory("floe-s3-"), true, 0);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded S3 endpoint", e);
    }
  }

  /** Starts a server over {@code baseDir}, which survives {@link #close()} (local runs). */
  public static S3Server start(Path baseDir) {
    return start(baseDir, 0);
  }

  /**
   * Starts a server over {@code baseDir} (kept on {@link #close()}) on a fixed loopback port, or a
   * free one when {@code port} is 0.
   */
  public static S3Server start(Path baseDir, int port) {
    try {
      Files.createDirectories(baseDir);
      return new S3Server(baseDir, false, port);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start the embedded S3 endpoint on " + baseDir + " port " + port, e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort();
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  public String region() {
    return REGION;
  }

  /** Creates {@code name} if it does not exist yet. */
  public void createBucket(String name) {
    if (!blobStore.containerExists(name)) {
      blobStore.createContainer(name);
    }
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the embedded S3 endpoint", e);
    } finally {
      blobStore.close();
      if (ownsBaseDir) {
        deleteRecursively(baseDir);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a server until the process is stopped: {@code S3Server [base-dir] [bucket...]}. */
  public static void main(String[] args) throws InterruptedException {
    S3Server server = args.length > 0 ? start(Path.of(args[0])) : start();
    for (int i = 1; i < args.length; i++) {
      server.createBucket(args[i]);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.printf(
        "S3 endpoint %s region %s access key %s secret %s%n",
        server.endpoint(), REGION, ACCESS_KEY, SECRET_KEY);
    Thread.currentThread().join();
  }
}
