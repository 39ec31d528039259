package io.floe.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.controlplane.auth.Tokens;
import io.floe.core.format.Json;
import io.floe.testsupport.etcd.EtcdExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control API over TLS when configured (Micronaut's {@code micronaut.server.ssl.*}): a
 * certificate made for this test with the JDK's keytool; clients that trust it get answers, with
 * the same authentication; clients that do not are refused at the handshake, and plain HTTP gets
 * nothing.
 */
class ControlApiTlsIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final String ADMIN = "admin-secret-token";
  private static final String PASSWORD = "test-only-password";
  private static Path dir;
  private static Path keyStore;
  private static EmbeddedServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("floe-tls");
    keyStore = dir.resolve("control-plane.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "floe",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();

    port = freePort();
    Map<String, Object> settings = new HashMap<>();
    settings.put("micronaut.server.port", freePort());
    settings.put("micronaut.server.ssl.enabled", true);
    settings.put("micronaut.server.ssl.port", port);
    settings.put("micronaut.server.ssl.key-store.path", "file:" + keyStore);
    settings.put("micronaut.server.ssl.key-store.password", PASSWORD);
    settings.put("micronaut.server.ssl.key-store.type", "PKCS12");
    settings.put("floe.cluster.name", "tls-it");
    settings.put("floe.etcd.endpoints", String.join(",", ETCD.endpoints()));
    settings.put("floe.auth.tokens", Tokens.hash(ADMIN) + ":admin");
    server = ApplicationContext.run(EmbeddedServer.class, settings);
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A client that trusts the test's certificate (as an operator's trust store would). */
  private static HttpClient trusting() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpRequest get(String scheme, String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.GET().build();
  }

  @Test
  void theApiAnswersOverTlsWithTheSameAuthentication() throws Exception {
    HttpClient client = trusting();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                Json.read(
                        "health",
                        client
                            .send(
                                get("https", "/health", null), HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("leader")
                    .asBoolean());
    HttpResponse<String> health =
        client.send(get("https", "/health", null), HttpResponse.BodyHandlers.ofString());
    // The leader names itself with the scheme and port clients must use.
    assertThat(Json.read("health", health.body()).path("leader-url").asText())
        .isEqualTo("https://127.0.0.1:" + port);
    assertThat(
            client
                .send(get("https", "/v1/tables", null), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            client
                .send(get("https", "/v1/tables", ADMIN), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefusedAndPlainHttpGetsNoAnswer() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                untrusting.send(
                    get("https", "/health", null), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(
            () ->
                untrusting.send(get("http", "/health", null), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOfAny(IOException.class);
  }
}
