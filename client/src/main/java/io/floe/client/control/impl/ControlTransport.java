package io.floe.client.control.impl;

import io.floe.client.control.ControlApiException;
import io.floe.client.control.ControlConfig;
import io.floe.client.control.ControlResponseException;
import io.floe.client.control.ControlUnreachableException;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends control-API calls over the JDK's HTTP client to the first control-plane replica that can be
 * reached, and follows a {@code 421 NOT_LEADER} once to the leader it names. The replica that last
 * answered (the leader, after a redirect) is asked first next time, so a dead first URL costs one
 * connect timeout, not one per call.
 *
 * <p>A call goes to the next URL when the connection could not be opened; after a connection broke
 * mid-call only idempotent calls do (a repeated write could start an operation twice).
 */
public final class ControlTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlTransport.class);
  private static final String JSON = "application/json";
  private static final int MISDIRECTED = 421;

  private final ControlConfig config;
  private final HttpClient http;
  private volatile String preferred;

  public ControlTransport(ControlConfig config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The base URL asked first: the one that answered last, else the first configured. */
  public String preferredUrl() {
    String url = preferred;
    return url != null ? url : config.baseUrls().get(0);
  }

  /**
   * @throws ControlApiException the control plane answered with a problem
   * @throws ControlUnreachableException no replica could be reached
   * @throws ControlResponseException a success whose body is not JSON
   */
  public ControlAnswer send(ControlCall call) {
    List<String> failures = new ArrayList<>();
    for (String url : candidates()) {
      HttpResponse<String> response;
      try {
        response = exchange(url, call);
      } catch (IOException e) {
        failures.add(url + " (" + describe(e) + ")");
        if (sent(e) && !call.idempotent()) {
          throw unknownOutcome(url, call, e);
        }
        LOG.debug("control plane at {} unreachable for {}, trying the next: {}", url, call, e);
        continue;
      }
      preferred = url;
      if (response.statusCode() == MISDIRECTED) {
        return followLeader(url, call, response);
      }
      return answer(url, call, response);
    }
    throw new ControlUnreachableException(
        "cannot reach the control plane: " + String.join(", ", failures), false, null);
  }

  private List<String> candidates() {
    List<String> urls = new ArrayList<>();
    urls.add(preferredUrl());
    for (String url : config.baseUrls()) {
      if (!urls.contains(url)) {
        urls.add(url);
      }
    }
    return urls;
  }

  /** Follows a NOT_LEADER once; a second one (or none named) is the caller's problem. */
  private ControlAnswer followLeader(String url, ControlCall call, HttpResponse<String> response) {
    ControlApiException notLeader = problem(url, call, response);
    if (notLeader.leader() == null) {
      throw notLeader;
    }
    String leader;
    try {
      leader = ControlConfig.normalize(notLeader.leader());
    } catch (IllegalArgumentException e) {
      throw new ControlResponseException(
          "the control plane at " + url + " named a leader that is not a URL: " + e.getMessage(),
          e);
    }
    if (leader.equals(url)) {
      throw notLeader;
    }
    LOG.debug("{} is not the leader; following it to {}", url, leader);
    try {
      HttpResponse<String> second = exchange(leader, call);
      preferred = leader;
      return answer(leader, call, second);
    } catch (IOException e) {
      throw sent(e) && !call.idempotent()
          ? unknownOutcome(leader, call, e)
          : new ControlUnreachableException(
              "cannot reach the control-plane leader "
                  + leader
                  + " (named by "
                  + url
                  + "): "
                  + describe(e),
              false,
              e);
    }
  }

  private HttpResponse<String> exchange(String url, ControlCall call) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + call.path()))
            .timeout(config.requestTimeout())
            .header("Accept", JSON + ", application/problem+json");
    if (config.token() != null) {
      request.header("Authorization", "Bearer " + config.token());
    }
    if (call.body() != null) {
      request.header("Content-Type", JSON);
      request.method(call.method(), HttpRequest.BodyPublishers.ofString(Json.write(call.body())));
    } else {
      request.method(call.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlUnreachableException(
          "interrupted while waiting for " + describe(url, call), call.write(), e);
    }
  }

  private static ControlAnswer answer(String url, ControlCall call, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw problem(url, call, response);
    }
    String body = response.body();
    String what = describe(url, call);
    if (body == null || body.isBlank()) {
      return new ControlAnswer(what, null);
    }
    try {
      return new ControlAnswer(what, Json.read("answer to " + what, body));
    } catch (FormatException e) {
      throw new ControlResponseException("the control plane's " + e.getMessage(), e);
    }
  }

  private static ControlApiException problem(
      String url, ControlCall call, HttpResponse<String> response) {
    return Problems.toException(describe(url, call), response.statusCode(), response.body());
  }

  private static ControlUnreachableException unknownOutcome(
      String url, ControlCall call, IOException e) {
    return new ControlUnreachableException(
        "the connection to "
            + url
            + " broke during "
            + call.method()
            + " "
            + call.path()
            + " ("
            + describe(e)
            + "): it may or may not have been applied; check (showopstatus, describe) before"
            + " trying again",
        true,
        e);
  }

  /** Whether the request may have reached the server: anything but a failed connect. */
  private static boolean sent(IOException e) {
    return !(e instanceof ConnectException || e instanceof HttpConnectTimeoutException);
  }

  private static String describe(String url, ControlCall call) {
    return call.method() + " " + url + call.path();
  }

  private static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within the connect timeout";
    }
    if (e instanceof ConnectException && e.getMessage() == null) {
      return "connection refused";
    }
    String name = e.getClass().getSimpleName();
    return e.getMessage() == null ? name : name + ": " + e.getMessage();
  }

  @Override
  public void close() {
    // HttpClient is AutoCloseable from Java 21 only; on 17 its threads end once it is unreachable.
  }
}
