package io.floe.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.controlplane.auth.Role;
import io.floe.controlplane.auth.Tokens;
import io.floe.core.format.Json;
import io.floe.testsupport.etcd.EtcdExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A control plane started in-process on a real etcd: bearer tokens and roles, and its metrics. */
class ControlApiServerIT {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final String ADMIN = "admin-secret-token";
  private static final String WRITER = "writer-secret-token";
  private static final String READER = "reader-secret-token";
  private static EmbeddedServer server;
  private static Path tokensFile;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    tokensFile = Files.createTempFile("floe-tokens", ".txt");
    Files.writeString(
        tokensFile,
        "# hash role\n" + Tokens.hash(WRITER) + " writer\n" + Tokens.hash(READER) + " reader\n");
    server =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.port",
                port,
                "floe.cluster.name",
                "auth-it",
                "floe.etcd.endpoints",
                String.join(",", ETCD.endpoints()),
                "floe.auth.tokens",
                Tokens.hash(ADMIN) + ":admin",
                "floe.auth.tokens-file",
                tokensFile.toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(tokensFile);
  }

  private HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyCallNeedsAKnownTokenWhoseRoleCoversIt() throws Exception {
    awaitLeading();

    HttpResponse<String> none = call("GET", "/v1/tables", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("UNAUTHENTICATED");
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"floe\"");
    assertThat(call("GET", "/v1/tables", "guessed", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/v1/tables", READER, null).statusCode()).isEqualTo(200);

    // Config and operations are admin only, even to read.
    HttpResponse<String> readerConfig = call("GET", "/v1/config", READER, null);
    assertThat(readerConfig.statusCode()).isEqualTo(403);
    assertThat(readerConfig.body()).contains("FORBIDDEN").contains("needs role admin");
    assertThat(call("GET", "/v1/ops", WRITER, null).statusCode()).isEqualTo(403);
    assertThat(call("GET", "/v1/config", ADMIN, null).statusCode()).isEqualTo(200);
    assertThat(
            call("PUT", "/v1/config/auto_failover", WRITER, "{\"value\": \"false\"}").statusCode())
        .isEqualTo(403);
    assertThat(
            Json.read("config", call("GET", "/v1/config", ADMIN, null).body())
                .path("auto_failover")
                .asText())
        .isEqualTo("true");

    // Table DDL needs writer: the reader is refused before anything is read or changed.
    String create = "{\"name\": \"db.t\", \"schema\": {}}";
    assertThat(call("POST", "/v1/tables", READER, create).statusCode()).isEqualTo(403);
    HttpResponse<String> writerCreate = call("POST", "/v1/tables", WRITER, create);
    assertThat(writerCreate.statusCode()).isEqualTo(400); // past auth: the schema is refused
    assertThat(writerCreate.body()).contains("INVALID_SCHEMA");
    assertThat(call("POST", "/v1/ns/offlineendpoint", WRITER, "{}").statusCode()).isEqualTo(403);

    // Health needs no token.
    assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void rolesAndTokenEntries() {
    assertThat(Role.needed("GET", "/v1/tables")).isEqualTo(Role.READER);
    assertThat(Role.needed("GET", "/v1/ns/showtable")).isEqualTo(Role.READER);
    assertThat(Role.needed("DELETE", "/v1/tables/db.t")).isEqualTo(Role.WRITER);
    assertThat(Role.needed("POST", "/v1/ns/changeleader")).isEqualTo(Role.ADMIN);
    assertThat(Role.needed("GET", "/v1/ops/3")).isEqualTo(Role.ADMIN);
    Tokens t = Tokens.parse(Tokens.hash("x") + ":writer", Optional.empty());
    assertThat(t.roleOf("x")).contains(Role.WRITER);
    assertThat(t.roleOf("y")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Tokens.parse("plain:admin", Optional.empty()))
        .hasMessageContaining("sha256");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Tokens.parse(Tokens.hash("x") + ":root", Optional.empty()))
        .hasMessageContaining("unknown role 'root'");
  }

  private void awaitLeading() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Json.read("health", call("GET", "/health", null, null).body())
                    .path("leader")
                    .asBoolean());
  }

  @Test
  void metricsNeedNoTokenAndSayWhoLeads() throws Exception {
    awaitLeading();
    HttpResponse<String> metrics = call("GET", "/prometheus", null, null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("floe_cp_leader 1.0")
        .contains("floe_cp_operations{status=\"done\",type=\"ChangeLeader\"}")
        .contains("floe_cp_node_deaths_total")
        .contains("floe_cp_failovers_total");
  }

  @Test
  void aValueInEtcdThatDoesNotParseIsNamedAndCounted() throws Exception {
    awaitLeading();
    String key = io.floe.storage.meta.MetaKeys.forCluster("auth-it").partition(977, 3);
    try (io.floe.storage.meta.etcd.EtcdMetaStore store =
        io.floe.storage.meta.etcd.EtcdMetaStore.connect(
            io.floe.storage.meta.MetaStoreConfig.of(ETCD.endpoints()))) {
      store.put(key, "{\"format-version\": 1, \"tid\""); // cut short
      HttpResponse<String> named = call("GET", "/v1/meta/unreadable", READER, null);
      assertThat(named.statusCode()).isEqualTo(200);
      var values = Json.read("answer", named.body()).path("values");
      assertThat(values).hasSize(1);
      assertThat(values.get(0).path("key").asText()).isEqualTo(key);
      assertThat(values.get(0).path("error").asText()).isNotBlank();
      assertThat(call("GET", "/v1/meta/unreadable", null, null).statusCode())
          .as("without a token")
          .isEqualTo(401);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  call("GET", "/prometheus", null, null)
                      .body()
                      .contains("floe_cp_unreadable_values 1.0"));

      store.delete(key);
      assertThat(
              Json.read("answer", call("GET", "/v1/meta/unreadable", READER, null).body())
                  .path("values"))
          .isEmpty();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  call("GET", "/prometheus", null, null)
                      .body()
                      .contains("floe_cp_unreadable_values 0.0"));
    } finally {
      try (io.floe.storage.meta.etcd.EtcdMetaStore store =
          io.floe.storage.meta.etcd.EtcdMetaStore.connect(
              io.floe.storage.meta.MetaStoreConfig.of(ETCD.endpoints()))) {
        store.delete(key); // the other tests read the same cluster
      }
    }
  }
}
