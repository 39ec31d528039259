package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.client.ClientConfig;
import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared blocking connections per node, and blocking calls through {@link Requests}. */
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
  void callersShareOneConnectionPerSlotErrorFramesAndTimeoutsIncluded() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    node =
        new FakeNode(
            r ->
                switch (calls.incrementAndGet() % 3) {
                  case 0 -> new Response.Error(ErrorCode.MEMORY_LIMIT, "full", "");
                  case 1 -> new Response.Ack();
                  default -> FakeNode.SILENCE;
                });
    pool = new BlockingPool(1_000, 2, sweeper);
    for (int i = 0; i < 3; i++) {
      assertThat(pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000)))
          .isEqualTo(new Response.Ack());
      assertThatThrownBy(() -> pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(100)))
          .isInstanceOf(FloeTimeoutException.class);
      assertThatThrownBy(() -> pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000)))
          .isInstanceOf(FloeRequestException.class);
    }
    assertThat(node.connections).as("hint 0: one slot of two").hasValue(1);
    pool.send(node.endpoint(), 1, new Request.Ping(), inMillis(5_000));
    assertThat(node.connections).hasValue(2);
    assertThat(pool.open(node.endpoint())).isEqualTo(2);
  }

  @Test
  void aConnectionTheNodeClosedIsReplacedByTheNextCall() throws Exception {
    node = new FakeNode(r -> new Response.Ack());
    pool = new BlockingPool(1_000, 1, sweeper);
    pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000));
    node.hangUpAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.open(node.endpoint()) == 0);
    assertThat(pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000)))
        .isEqualTo(new Response.Ack());
    assertThat(node.connections).hasValue(2);
  }

  @Test
  void aNodeThatAnswersNothingIsReportedSilentAndAbandoningItFailsTheWaitingCalls()
      throws Exception {
    node = new FakeNode(r -> FakeNode.SILENCE);
    List<String> silent = new CopyOnWriteArrayList<>();
    pool = new BlockingPool(1_000, 1, sweeper, TimeUnit.MILLISECONDS.toNanos(200), silent::add);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Response> waiting =
          caller.submit(() -> pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(20_000)));
      await().atMost(Duration.ofSeconds(5)).until(() -> !silent.isEmpty());
      assertThat(silent).containsOnly(node.endpoint());
      pool.abandon(node.endpoint(), "another node leads its partitions now");
      assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(FloeConnectionException.class)
          .hasMessageContaining("another node leads its partitions now");
    } finally {
      caller.shutdownNow();
    }
    assertThat(pool.open(node.endpoint())).isZero();
  }

  @Test
  void aNodeThatAnswersIsNotSilentAndAClosedPoolRefusesCallsUnsent() throws Exception {
    node = new FakeNode(r -> new Response.Ack());
    List<String> silent = new CopyOnWriteArrayList<>();
    pool = new BlockingPool(1_000, 1, sweeper, TimeUnit.MILLISECONDS.toNanos(50), silent::add);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    while (System.nanoTime() < until) {
      pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000));
    }
    assertThat(silent).isEmpty();
    pool.close();
    assertThatThrownBy(() -> pool.send(node.endpoint(), 0, new Request.Ping(), inMillis(5_000)))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
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
