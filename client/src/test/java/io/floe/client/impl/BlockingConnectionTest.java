package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection blocking callers share, against a fake node: framing, many callers at once,
 * errors, deadlines, a broken or abandoned connection, a write the node never reads.
 */
@Timeout(30)
class BlockingConnectionTest {
  private FakeNode node;
  private BlockingConnection connection;
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.close();
    }
    sweeper.shutdownNow();
  }

  private static long inMillis(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  /** Echoes a put's row back as the next get's row, so sizes in both directions vary per call. */
  private FakeNode echoNode() throws Exception {
    byte[][] last = new byte[1][];
    return new FakeNode(
        request -> {
          if (request instanceof Request.Put put) {
            last[0] = put.row();
            return new Response.Written(put.row().length, 7);
          }
          if (request instanceof Request.Get) {
            return new Response.Got(last[0]);
          }
          return new Response.Ack();
        });
  }

  @Test
  void callsOfVeryDifferentSizesShareTheConnectionAndComeBackWhole() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    int[] sizes = {10, 300_000, 3, 70_000, 0, 5_000, 2_000_000, 1};
    for (int i = 0; i < sizes.length; i++) {
      byte[] row = bytes(sizes[i], i);
      Response written = connection.call(new Request.Put("db.t", row), inMillis(5_000));
      assertThat(((Response.Written) written).offset()).isEqualTo(sizes[i]);
      Response got = connection.call(new Request.Get("db.t", new byte[] {1}), inMillis(5_000));
      assertThat(((Response.Got) got).row()).as("row of %d bytes", sizes[i]).isEqualTo(row);
    }
    assertThat(node.connections).hasValue(1);
    assertThat(node.received).hasSize(2 * sizes.length);
    assertThat(((Request.Put) node.received.get(2)).row()).isEqualTo(bytes(300_000, 1));
  }

  @Test
  void manyCallersAtOnceEachGetTheirOwnAnswerOverOneConnection() throws Exception {
    // the node answers a get with its key as the row: an answer handed to the wrong caller shows
    node =
        new FakeNode(
            r ->
                r instanceof Request.Get get
                    ? new Response.Got(get.key())
                    : new Response.Error(ErrorCode.MALFORMED_REQUEST, "only gets", ""));
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    int callers = 16;
    int calls = 300;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        int caller = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < calls; i++) {
                    byte[] key = bytes(1 + (caller * 7 + i) % 600, caller * calls + i);
                    Response got = connection.call(new Request.Get("db.t", key), inMillis(10_000));
                    assertThat(((Response.Got) got).row()).isEqualTo(key);
                  }
                  return calls;
                }));
      }
      int answered = 0;
      for (Future<Integer> f : done) {
        answered += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(answered).isEqualTo(callers * calls);
    } finally {
      pool.shutdownNow();
    }
    assertThat(node.connections).hasValue(1);
    assertThat(node.received).hasSize(callers * calls);
    assertThat(connection.waiting()).isZero();
  }

  @Test
  void anErrorFrameThrowsItsTypedExceptionAndKeepsTheConnection() throws Exception {
    node =
        new FakeNode(
            request ->
                request instanceof Request.Get
                    ? new Response.Error(ErrorCode.NOT_LEADER, "not the leader", "10.0.0.9:7000")
                    : new Response.Error(
                        ErrorCode.PARTITION_LOADING, "partition 3 is loading", ""));
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThatThrownBy(() -> connection.call(new Request.Get("db.t", new byte[1]), inMillis(5_000)))
        .isInstanceOfSatisfying(
            NotLeaderException.class,
            e -> assertThat(e.leaderEndpoint()).isEqualTo("10.0.0.9:7000"));
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(5_000)))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_LOADING));
    assertThat(connection.isOpen()).isTrue();
    assertThat(node.connections).hasValue(1);
  }

  @Test
  void anUnansweredCallTimesOutAtItsDeadlineAndLeavesTheConnectionToTheOthers() throws Exception {
    node = new FakeNode(r -> r instanceof Request.Ping ? FakeNode.SILENCE : new Response.Got(null));
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    long start = System.nanoTime();
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(200)))
        .isInstanceOf(FloeTimeoutException.class);
    assertThat(System.nanoTime() - start)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(190), TimeUnit.MILLISECONDS.toNanos(3_000));
    assertThat(connection.isOpen()).isTrue();
    assertThat(connection.waiting()).as("the late call is forgotten").isZero();
    Response got = connection.call(new Request.Get("db.t", new byte[1]), inMillis(5_000));
    assertThat(((Response.Got) got).row()).isNull();
  }

  @Test
  void aCallPastItsDeadlineIsNotSent() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThatThrownBy(() -> connection.call(new Request.Ping(), System.nanoTime() - 1))
        .isInstanceOf(FloeTimeoutException.class)
        .hasMessageContaining("unsent");
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
    assertThat(node.received).hasSize(1);
  }

  @Test
  void aNodeClosingTheConnectionMidCallLeavesAWriteOutcomeUnknown() throws Exception {
    node = new FakeNode(request -> FakeNode.HANG_UP);
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThatThrownBy(() -> connection.call(new Request.Put("db.t", new byte[8]), inMillis(5_000)))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isTrue());
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(5_000)))
        .as("a closed connection sends nothing more")
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
  }

  @Test
  void aNodeRestartIsNoticedByTheReaderBeforeTheNextCall() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
    node.hangUpAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(5_000)))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
    assertThat(node.received).hasSize(1);
  }

  @Test
  void abandoningFailsTheWaitingCallsAsSentWithTheReason() throws Exception {
    node = new FakeNode(request -> FakeNode.SILENCE);
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Response> waiting =
          caller.submit(
              () -> connection.call(new Request.Put("db.t", new byte[8]), inMillis(10_000)));
      await().atMost(Duration.ofSeconds(5)).until(() -> node.received.size() == 1);
      connection.abandon("the partition moved to another leader");
      assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isTrue())
          .hasMessageContaining("the partition moved to another leader");
    } finally {
      caller.shutdownNow();
    }
    assertThat(connection.isOpen()).isFalse();
    assertThat(connection.waiting()).isZero();
  }

  @Test
  void aWriteTheNodeNeverReadsIsEndedOncePastItsDeadline() throws Exception {
    try (ServerSocket deaf = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      connection = BlockingConnection.open("127.0.0.1:" + deaf.getLocalPort(), 1_000);
      BlockingConnection swept = connection;
      sweeper.scheduleWithFixedDelay(
          () -> swept.expireStuckWrite(System.nanoTime()), 10, 10, TimeUnit.MILLISECONDS);
      byte[] row = new byte[12 << 20]; // more than the socket buffers hold: the write blocks
      long start = System.nanoTime();
      assertThatThrownBy(() -> connection.call(new Request.Put("db.t", row), inMillis(300)))
          .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isTrue())
          .hasMessageContaining("blocked past its deadline");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
      assertThat(connection.isOpen()).isFalse();
    }
  }

  @Test
  void noNodeListeningFailsTheConnectWithNothingSent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> BlockingConnection.open("127.0.0.1:" + port, 1_000))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
  }

  @Test
  void aFrameOverTheLimitIsRefusedUnsentAndTheConnectionStaysUsable() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    byte[] tooLarge = new byte[io.floe.core.protocol.Frames.MAX_FRAME_BYTES + 1];
    assertThatThrownBy(() -> connection.call(new Request.Put("db.t", tooLarge), inMillis(5_000)))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
    assertThat(node.received).hasSize(1);
    assertThat(Arrays.asList(node.received.get(0))).containsExactly(new Request.Ping());
  }
}
