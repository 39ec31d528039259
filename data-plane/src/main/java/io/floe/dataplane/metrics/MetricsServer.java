package io.floe.dataplane.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} in the Prometheus text format on the node's listen host, with the
 * JDK's own HTTP server: a scrape every few seconds needs no web framework on the data path's
 * classpath. One daemon thread answers; a scrape is rendered when asked for.
 */
public final class MetricsServer implements AutoCloseable {
  /** The port to serve metrics on; absent: not served; 0: any free port. */
  public static final String PORT = "node.metrics-port";

  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final HttpServer server;
  private final ExecutorService thread;

  private MetricsServer(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /** Binds {@code address} and serves what {@code scrape} renders. */
  public static MetricsServer start(InetSocketAddress address, Supplier<String> scrape) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on " + address + " (" + PORT + "): " + e.getMessage(), e);
    }
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "floe-metrics");
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", exchange -> answer(exchange, scrape));
    server.setExecutor(thread);
    server.start();
    LOG.info(
        "serving metrics on http://{}:{}{}",
        server.getAddress().getHostString(),
        server.getAddress().getPort(),
        PATH);
    return new MetricsServer(server, thread);
  }

  private static void answer(HttpExchange exchange, Supplier<String> scrape) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        send(exchange, 404, "not found: metrics are at " + PATH + "\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, method + " not allowed: use GET\n");
      } else {
        sendScrape(exchange, scrape);
      }
    }
  }

  private static void sendScrape(HttpExchange exchange, Supplier<String> scrape)
      throws IOException {
    String body;
    try {
      body = scrape.get();
    } catch (RuntimeException e) {
      LOG.warn("metrics scrape failed: {}", e.toString(), e);
      send(exchange, 500, "metrics scrape failed: " + e + "\n");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    send(exchange, 200, body);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops at once: a scrape in progress is cut short. */
  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
