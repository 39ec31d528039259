package io.floe.client;

import io.floe.client.impl.ConnectionPool;
import io.floe.client.impl.Requests;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Response.GetAnyResult;
import io.floe.core.protocol.Response.HandedOver;
import io.floe.core.protocol.Response.Prepared;
import io.floe.core.retry.ResilienceSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Admin calls to one data node ({@code replication.md} §4.3, §4.4, §9), for whatever moves
 * partition leaders before the control plane does (test helpers, {@code floe-admin}): fence a
 * replica into a new term, hand a partition over to a follower, read a key from a chosen replica.
 * These calls are addressed to a node, not routed by key, so they sit apart from {@link
 * FloeClient}.
 *
 * <p>One connection to the node (opened again on the next call if it breaks), shared by every
 * thread; calls are blocking and not retried: the caller decides, because a hand-over that failed
 * may be worth trying again and a prepare may be better sent to another replica. Errors come as the
 * client's exceptions: {@link FloeRequestException} (typed: {@code FencedException} names the
 * replica's newer term, {@code NotLeaderException} the leader), {@link FloeTimeoutException},
 * {@link FloeConnectionException}.
 */
public final class NodeAdmin implements AutoCloseable {
  /**
   * Deadline of each call: longer than a node's {@code replication.handover-timeout} (default 5 s),
   * so that a hand-over whose target did not catch up comes back as the node's answer, not as a
   * timeout of unknown outcome.
   */
  public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

  private static final ResilienceSettings NO_RETRY =
      ResilienceSettings.retryOnly(1, Duration.ofMillis(1), Duration.ofMillis(1), 0);

  private final String endpoint;
  private final ConnectionPool pool;
  private final Requests requests;

  private NodeAdmin(String endpoint, Duration requestTimeout) {
    ClientConfig config =
        ClientConfig.of(endpoint)
            .withRequestTimeout(requestTimeout)
            // One attempt, as said above: a heartbeat must learn at once that a port refuses.
            .withRetry(NO_RETRY)
            .withConnectionsPerNode(1)
            .withIoThreads(1);
    this.endpoint = endpoint;
    this.pool = new ConnectionPool(config);
    this.requests = new Requests(pool, config);
  }

  /**
   * Connects to {@code endpoint} ({@code host:port}, the node's data endpoint) and pings it, so a
   * wrong endpoint fails here rather than on the first call.
   *
   * @throws FloeConnectionException when the node cannot be reached
   */
  public static NodeAdmin connect(String endpoint) {
    return connect(endpoint, REQUEST_TIMEOUT_DEFAULT);
  }

  /** {@link #connect(String)} with a deadline of {@code requestTimeout} for every call. */
  public static NodeAdmin connect(String endpoint, Duration requestTimeout) {
    NodeAdmin admin = new NodeAdmin(endpoint, requestTimeout);
    try {
      admin.call(new Request.Ping());
      return admin;
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * Runs {@code action} when the connection this admin holds now closes — a node that dies closes
   * it at once — so a failure detector need not wait for its next heartbeat to look.
   */
  public void whenConnectionLost(Runnable action) {
    pool.whenClosed(endpoint, action);
  }

  /** Asks the node whether it answers (the control plane's heartbeat). */
  public void ping() {
    call(new Request.Ping());
  }

  /**
   * Moves the node's replica of {@code table}/{@code pid} to {@code term} (if below) and stops it
   * taking writes or older appends; answers what it holds, for choosing the new leader (§7.1).
   * Idempotent for the same term.
   *
   * @throws io.floe.core.protocol.FencedException when the replica's term is above {@code term}
   */
  public Prepared prepareTerm(String table, int pid, long term) {
    return Blocking.join(prepareTermAsync(table, pid, term));
  }

  /**
   * {@link #prepareTerm} without waiting: the answer, or the client's exception, completes the
   * future — for a caller that stops waiting on its own terms (a failure detector's verdict).
   */
  public CompletableFuture<Prepared> prepareTermAsync(String table, int pid, long term) {
    return send(new Request.PrepareTerm(table, pid, term)).thenApply(Prepared.class::cast);
  }

  /**
   * Asks the node, leader of {@code table}/{@code pid} in {@code term}, to stop writes and catch
   * {@code target} (a node id) up; answers its last offset and WAL sequence (§7.3). When the target
   * does not catch up in time the node resumes writes and answers {@code PARTITION_LOADING}:
   * nothing changed, and the call may be made again.
   */
  public HandedOver handOver(String table, int pid, long term, String target) {
    return Blocking.join(handOverAsync(table, pid, term, target));
  }

  /** {@link #handOver} without waiting, as {@link #prepareTermAsync}. */
  public CompletableFuture<HandedOver> handOverAsync(
      String table, int pid, long term, String target) {
    return send(new Request.HandOver(table, pid, term, target)).thenApply(HandedOver.class::cast);
  }

  /**
   * Reads {@code key} (a {@code KeyCodec} key) from this node's replica, whatever its role; the
   * answer may be behind the leader by the replication lag (§9).
   */
  public GetAnyResult getAny(String table, byte[] key) {
    return (GetAnyResult) call(new Request.GetAny(table, key));
  }

  private Response call(Request request) {
    return Blocking.join(send(request));
  }

  private CompletableFuture<Response> send(Request request) {
    return requests.send(endpoint, 0, request);
  }

  @Override
  public void close() {
    pool.close();
  }
}
