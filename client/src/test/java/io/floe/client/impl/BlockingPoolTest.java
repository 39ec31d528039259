package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.client.ClientConfig;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checking blocking connections in and out, and blocking calls through {@link Requests}. */
@Timeout(30)
class BlockingPoolTest {
  private FakeNode node;
  private BlockingPool pool;
  private ConnectionPool connections;
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() throws Exception {
    if (pool != null) {
      pool.close();
    }
    if (connections != null) {
      connections.close();
    }
    if (node != null) {
      node.close();
    }
    sweeper.shutdownNow();
  }

  private static long inMillis(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void answeredCallsReuseOneConnectionErrorFramesIncluded() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    node =
        new FakeNode(
            r ->
                calls.incrementAndGet() % 2 == 0
                    ? new Response.Error(ErrorCode.MEMORY_LIMIT, "full", "")
                    : new Response.Ack());
    pool = new BlockingPool(1_000, 4, sweeper);
    for (int i = 0; i < 3; i++) {
      assertThat(pool.send(node.endpoint(), new Request.Ping(), inMillis(5_000)))
          .isEqualTo(new Response.Ack());
      assertThatThrownBy(() -> pool.send(node.endpoint(), new Request.Ping(), inMillis(5_000)))
          .isInstanceOf(FloeRequestException.class);
    }
    assertThat(node.connections).hasValue(1);
    assertThat(pool.idle(node.endpoint())).isEqualTo(1);
  }

  @Test
  void aTimedOutConnectionIsNotReturnedAndTheNextCallOpensAnother() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    node = new FakeNode(r -> calls.incrementAndGet() == 1 ? FakeNode.SILENCE : new Response.Ack());
    pool = new BlockingPool(1_000, 4, sweeper);
    assertThatThrownBy(() -> pool.send(node.endpoint(), new Request.Ping(), inMillis(100)))
        .isInstanceOf(FloeTimeoutException.class);
    assertThat(pool.idle(node.endpoint())).isZero();
    assertThat(pool.send(node.endpoint(), new Request.Ping(), inMillis(5_000)))
        .isEqualTo(new Response.Ack());
    assertThat(node.connections).hasValue(2);
  }

  @Test
  void aBlockingCallRefusedOnTheCallersThreadIsRetriedByTheSameRuleAsAnAsyncOne() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    node =
        new FakeNode(
            r ->
                calls.incrementAndGet() == 1
                    ? new Response.Error(ErrorCode.PARTITION_LOADING, "loading", "")
                    : new Response.Got(new byte[] {42}));
    ClientConfig config =
        ClientConfig.of(node.endpoint()).withRequestTimeout(Duration.ofSeconds(5));
    connections = new ConnectionPool(config);
    Requests requests = new Requests(connections, config);
    Request get = new Request.Get("db.t", new byte[] {1});
    long deadline = requests.deadline();
    Response got =
        requests.join(
            () ->
                requests
                    .send(node.endpoint(), 0, get, deadline)
                    .exceptionallyCompose(
                        f ->
                            requests.retryAfter(
                                f,
                                true,
                                () -> requests.send(node.endpoint(), 0, get, deadline),
                                deadline)));
    assertThat(((Response.Got) got).row()).containsExactly(42);
    assertThat(calls).hasValue(2);
  }

  @Test
  void anAsyncCallNeverRunsOnTheCallersThread() throws Exception {
    node = new FakeNode(r -> FakeNode.SILENCE);
    ClientConfig config =
        ClientConfig.of(node.endpoint()).withRequestTimeout(Duration.ofSeconds(5));
    connections = new ConnectionPool(config);
    Requests requests = new Requests(connections, config);
    CompletableFuture<Response> pending = requests.send(node.endpoint(), 0, new Request.Ping());
    assertThat(pending).isNotDone();
    pending.cancel(true);
  }
}
