package io.floe.client.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ControlClient} reaches the control plane.
 *
 * @param baseUrls base URLs of the control-plane replicas ({@code http://host:7080}), tried in
 *     order when one cannot be reached; every replica answers reads and the client follows a
 *     non-leader to the leader for writes
 * @param token bearer token sent on every call, or null when the control plane runs without
 *     authentication
 * @param connectTimeout deadline of opening a connection to one replica; past it the next URL is
 *     tried
 * @param requestTimeout deadline of one call's answer once connected
 */
public record ControlConfig(
    List<String> baseUrls, String token, Duration connectTimeout, Duration requestTimeout) {
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(3);
  public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(30);

  public ControlConfig {
    Objects.requireNonNull(baseUrls, "baseUrls");
    List<String> normalized = new ArrayList<>(baseUrls.size());
    for (String url : baseUrls) {
      normalized.add(normalize(url));
    }
    if (normalized.isEmpty()) {
      throw new IllegalArgumentException("at least one control-plane base URL is needed");
    }
    baseUrls = List.copyOf(normalized);
    token = token == null || token.isBlank() ? null : token.trim();
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** Default timeouts, no token. */
  public static ControlConfig of(String... baseUrls) {
    return new ControlConfig(
        List.of(baseUrls), null, CONNECT_TIMEOUT_DEFAULT, REQUEST_TIMEOUT_DEFAULT);
  }

  public ControlConfig withToken(String bearer) {
    return new ControlConfig(baseUrls, bearer, connectTimeout, requestTimeout);
  }

  public ControlConfig withConnectTimeout(Duration timeout) {
    return new ControlConfig(baseUrls, token, timeout, requestTimeout);
  }

  public ControlConfig withRequestTimeout(Duration timeout) {
    return new ControlConfig(baseUrls, token, connectTimeout, timeout);
  }

  /**
   * {@code http://host:port} without a trailing slash; {@code host:port} alone means plain HTTP.
   *
   * @throws IllegalArgumentException naming the URL when it is not an http(s) URL with a host
   */
  public static String normalize(String baseUrl) {
    String url = Objects.requireNonNull(baseUrl, "base URL").trim();
    if (!url.contains("://")) {
      url = "http://" + url;
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "control-plane URL '" + baseUrl + "' must be http(s)://host[:port]");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "control-plane URL '" + baseUrl + "' is not a URL: " + e.getMessage(), e);
    }
    return url;
  }
}
