package io.floe.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link FloeClient} reaches and talks to data nodes.
 *
 * @param seeds {@code host:port} of nodes to ask for table descriptions
 * @param requestTimeout deadline of every request (each attempt, when retried)
 * @param connectTimeout deadline of opening a connection
 * @param connectionsPerNode channels kept open to each node; keys map to one of them by partition,
 *     so writes to a key keep their order
 * @param maxAttempts attempts of a request that is safe to retry (reads; writes refused before they
 *     applied)
 * @param maxBatch most writes coalesced into one batch frame
 * @param ioThreads Netty event loop threads of the client
 */
public record ClientConfig(
    List<String> seeds,
    Duration requestTimeout,
    Duration connectTimeout,
    int connectionsPerNode,
    int maxAttempts,
    int maxBatch,
    int ioThreads) {
  public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(3);
  public static final int CONNECTIONS_PER_NODE_DEFAULT = 1;
  public static final int MAX_ATTEMPTS_DEFAULT = 4;
  public static final int MAX_BATCH_DEFAULT = 256;
  public static final int IO_THREADS_DEFAULT = 2;

  public ClientConfig {
    seeds = List.copyOf(Objects.requireNonNull(seeds, "seeds"));
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one seed endpoint is needed");
    }
  }

  /** Defaults for everything but the seeds. */
  public static ClientConfig of(String... seeds) {
    return new ClientConfig(
        List.of(seeds),
        REQUEST_TIMEOUT_DEFAULT,
        CONNECT_TIMEOUT_DEFAULT,
        CONNECTIONS_PER_NODE_DEFAULT,
        MAX_ATTEMPTS_DEFAULT,
        MAX_BATCH_DEFAULT,
        IO_THREADS_DEFAULT);
  }

  public ClientConfig withRequestTimeout(Duration timeout) {
    return new ClientConfig(
        seeds, timeout, connectTimeout, connectionsPerNode, maxAttempts, maxBatch, ioThreads);
  }

  public ClientConfig withConnectionsPerNode(int connections) {
    return new ClientConfig(
        seeds, requestTimeout, connectTimeout, connections, maxAttempts, maxBatch, ioThreads);
  }

  public ClientConfig withMaxBatch(int batch) {
    return new ClientConfig(
        seeds, requestTimeout, connectTimeout, connectionsPerNode, maxAttempts, batch, ioThreads);
  }

  public ClientConfig withIoThreads(int threads) {
    return new ClientConfig(
        seeds, requestTimeout, connectTimeout, connectionsPerNode, maxAttempts, maxBatch, threads);
  }
}
