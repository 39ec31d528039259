package io.floe.testsupport.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EtcdProcessIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void killedMemberRestartsOnSamePortsWithItsData() throws Exception {
    Path root;
    try (EtcdProcess etcd = EtcdProcess.start()) {
      root = etcd.dataDir().getParent();
      String endpoint = etcd.clientEndpoint();
      put(endpoint, "k", "v1");

      etcd.kill();
      assertThat(etcd.isRunning()).isFalse();
      etcd.restart();

      assertThat(etcd.clientEndpoint()).isEqualTo(endpoint);
      assertThat(get(endpoint, "k")).contains(b64("v1"));
      assertThat(Files.readString(etcd.logFile())).isNotEmpty();
    }
    assertThat(root).doesNotExist();
  }

  @Test
  void clusterSurvivesOneMemberKilledAndRestarted() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start()) {
      assertThat(cluster.clientEndpoints()).hasSize(3);
      cluster.kill(0);
      // If the killed member led, the others need an election before they accept writes.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> put(cluster.member(1).clientEndpoint(), "c", "v2"));
      cluster.restart(0);
      assertThat(get(cluster.member(0).clientEndpoint(), "c")).contains(b64("v2"));
    }
  }

  private void put(String endpoint, String key, String value) throws Exception {
    post(
        endpoint + "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
  }

  private String get(String endpoint, String key) throws Exception {
    return post(endpoint + "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
  }

  private String post(String url, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
