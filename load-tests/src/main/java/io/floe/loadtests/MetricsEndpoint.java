package io.floe.loadtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A data node's Prometheus endpoint, as the harnesses read it. */
public final class MetricsEndpoint {
  private MetricsEndpoint() {}

  /**
   * The text of one scrape of {@code hostPort}'s {@code /metrics}, within {@code timeout}; an
   * answer other than HTTP 200 is an {@link IOException}.
   */
  public static String scrape(HttpClient http, String hostPort, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
            .timeout(timeout)
            .GET()
            .build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("metrics of " + hostPort + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }
}
