package io.floe.client;

import io.floe.core.retry.ResilienceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link FloeClient} reaches and talks to data nodes.
 *
 * @param seeds {@code host:port} of nodes to ask for table descriptions
 * @param requestTimeout deadline of every request, its retries included: a request ends by then (up
 *     to the client's timeout sweep, {@code 20 ms})
 * @param connectTimeout deadline of opening a connection
 * @param connectionsPerNode channels kept open to each node; keys map to one of them by partition,
 *     so writes to a key keep their order
 * @param retry how requests are retried ({@link RetryRule} says which): back-off and jitter between
 *     attempts, until the request's deadline; no circuit breaker (one breaker per client would fail
 *     requests to healthy nodes when one node is down). Read it from properties with {@code
 *     ResilienceSettings.fromProperties(config, RETRY_SCOPE, RETRY_DEFAULT)}
 * @param maxBatch most writes coalesced into one batch frame
 * @param ioThreads Netty event loop threads of the client
 * @param callerThreadIo blocking calls ({@code put}, {@code get}, {@code update}, {@code delete}
 *     and their conditional forms, {@code scanPartition}) write their request on the caller's own
 *     thread into a plain socket shared by every blocking caller ({@code connectionsPerNode} per
 *     node; whoever writes sends everyone's queued frames in one gathering write), and a reader
 *     thread per socket hands each answer to its caller, instead of going through the pipelined
 *     connection's event loop. Async calls, and retries after a failed first attempt, always use
 *     the pipelined connections; so a blocking write is not ordered after an async write of the
 *     same key still in flight (await it first). Off by default: measured side by side with YCSB on
 *     2 cores (load-tests/reports/ycsb-vs-redis-20261205-233055.md against the runs of the same
 *     session without it), it compiles less in a fresh JVM but costs more CPU per operation once
 *     warm — the client and the node both — because each caller's write is a system call of its
 *     own, where the event loop writes the frames of every caller that queued meanwhile in one. It
 *     may pay where client and node do not share cores.
 * @param suspectAfter how long a node may leave every request on a connection unanswered before the
 *     client suspects it (paused, cut off, or failed over while alive): it then describes the table
 *     again from the other seeds, once per this interval while the silence lasts, and when the
 *     description names another leader for a partition the node led, gives up the requests waiting
 *     on it at once — reads are retried at the new leader, writes fail as of unknown outcome
 *     ({@link FloeConnectionException#sent()}) — instead of waiting out their deadline. A false
 *     suspicion costs one table description.
 */
public record ClientConfig(
    List<String> seeds,
    Duration requestTimeout,
    Duration connectTimeout,
    int connectionsPerNode,
    ResilienceSettings retry,
    int maxBatch,
    int ioThreads,
    boolean callerThreadIo,
    Duration suspectAfter) {
  public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(3);
  public static final int CONNECTIONS_PER_NODE_DEFAULT = 1;

  /** Properties scope of {@link #retry()}: {@code client.retry.initial-backoff}, … */
  public static final String RETRY_SCOPE = "client";

  /**
   * No attempt cap (the deadline ends retries); 5 ms first wait doubling to at most 100 ms with 50
   * % jitter: a partition whose new leader starts serving after a failover is written to within
   * about a tenth of a second, and a request waiting on a full or loading node costs it at most
   * about ten attempts a second (each answered at once).
   */
  public static final ResilienceSettings RETRY_DEFAULT =
      ResilienceSettings.retryOnly(
          Integer.MAX_VALUE, Duration.ofMillis(5), Duration.ofMillis(100), 0.5);

  public static final int MAX_BATCH_DEFAULT = 256;
  public static final int IO_THREADS_DEFAULT = 2;
  public static final boolean CALLER_THREAD_IO_DEFAULT = false;
  public static final Duration SUSPECT_AFTER_DEFAULT = Duration.ofSeconds(1);

  public ClientConfig {
    seeds = List.copyOf(Objects.requireNonNull(seeds, "seeds"));
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one seed endpoint is needed");
    }
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(suspectAfter, "suspectAfter");
    if (suspectAfter.isNegative() || suspectAfter.isZero()) {
      throw new IllegalArgumentException("suspectAfter must be positive, got " + suspectAfter);
    }
    if (retry.circuitBreakerEnabled()) {
      throw new IllegalArgumentException(
          RETRY_SCOPE
              + "."
              + ResilienceSettings.BREAKER_ENABLED
              + " must be false: client requests are retried until their deadline, and one breaker"
              + " for all nodes would fail requests to healthy nodes");
    }
  }

  /** Defaults for everything but the seeds. */
  public static ClientConfig of(String... seeds) {
    return new ClientConfig(
        List.of(seeds),
        REQUEST_TIMEOUT_DEFAULT,
        CONNECT_TIMEOUT_DEFAULT,
        CONNECTIONS_PER_NODE_DEFAULT,
        RETRY_DEFAULT,
        MAX_BATCH_DEFAULT,
        IO_THREADS_DEFAULT,
        CALLER_THREAD_IO_DEFAULT,
        SUSPECT_AFTER_DEFAULT);
  }

  public ClientConfig withRequestTimeout(Duration timeout) {
    return new ClientConfig(
        seeds,
        timeout,
        connectTimeout,
        connectionsPerNode,
        retry,
        maxBatch,
        ioThreads,
        callerThreadIo,
        suspectAfter);
  }

  public ClientConfig withRetry(ResilienceSettings policy) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connectionsPerNode,
        policy,
        maxBatch,
        ioThreads,
        callerThreadIo,
        suspectAfter);
  }

  public ClientConfig withConnectionsPerNode(int connections) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connections,
        retry,
        maxBatch,
        ioThreads,
        callerThreadIo,
        suspectAfter);
  }

  public ClientConfig withMaxBatch(int batch) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connectionsPerNode,
        retry,
        batch,
        ioThreads,
        callerThreadIo,
        suspectAfter);
  }

  public ClientConfig withIoThreads(int threads) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connectionsPerNode,
        retry,
        maxBatch,
        threads,
        callerThreadIo,
        suspectAfter);
  }

  public ClientConfig withCallerThreadIo(boolean enabled) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connectionsPerNode,
        retry,
        maxBatch,
        ioThreads,
        enabled,
        suspectAfter);
  }

  public ClientConfig withSuspectAfter(Duration silence) {
    return new ClientConfig(
        seeds,
        requestTimeout,
        connectTimeout,
        connectionsPerNode,
        retry,
        maxBatch,
        ioThreads,
        callerThreadIo,
        silence);
  }
}
