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
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The caller-thread connection against a fake node: framing, buffers, errors, deadlines. */
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
  void callsOfVeryDifferentSizesReuseTheConnectionAndComeBackWhole() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    int[] sizes = {10, 300_000, 3, 70_000, 0, 5_000};
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
    // grown once for the large row and kept: later calls allocate no new buffer
    assertThat(connection.requestBufferCapacity()).isGreaterThanOrEqualTo(300_000);
  }

  @Test
  void aBufferGrownPastTheKeptSizeIsDroppedAfterTheCall() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    byte[] huge = bytes(BlockingConnection.KEPT_BUFFER_BYTES + 10, 1);
    connection.call(new Request.Put("db.t", huge), inMillis(5_000));
    assertThat(
            ((Response.Got) connection.call(new Request.Get("db.t", new byte[1]), inMillis(5_000)))
                .row())
        .isEqualTo(huge);
    assertThat(connection.requestBufferCapacity()).isLessThan(BlockingConnection.KEPT_BUFFER_BYTES);
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
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
  void anUnansweredCallTimesOutAtItsDeadlineOnTheSweepAndDiscardsTheConnection() throws Exception {
    node = new FakeNode(request -> FakeNode.SILENCE);
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    BlockingConnection sweptOne = connection;
    sweeper.scheduleWithFixedDelay(
        () -> sweptOne.expireIfPast(System.nanoTime()), 10, 10, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(200)))
        .isInstanceOf(FloeTimeoutException.class);
    assertThat(System.nanoTime() - start)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(150), TimeUnit.MILLISECONDS.toNanos(3_000));
    assertThat(connection.isOpen()).isFalse();
    assertThatThrownBy(() -> connection.call(new Request.Ping(), inMillis(200)))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
  }

  @Test
  void aNodeClosingTheConnectionMidCallLeavesAWriteOutcomeUnknown() throws Exception {
    node = new FakeNode(request -> FakeNode.HANG_UP);
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThatThrownBy(() -> connection.call(new Request.Put("db.t", new byte[8]), inMillis(5_000)))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isTrue());
    assertThat(connection.isOpen()).isFalse();
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

  @Test
  void anIdleConnectionTheNodeClosedIsFoundUnusableBeforeAnyRequestIsWrittenIntoIt()
      throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
    assertThat(connection.isUsable(0)).as("open, nothing to read").isTrue();
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());

    node.hangUpAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isUsable(0));
    assertThat(connection.isOpen()).isFalse();
    assertThat(node.received).hasSize(2);
  }

  @Test
  void aConnectionInSteadyUseIsNotCheckedBeforeEachCall() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    connection.call(new Request.Ping(), inMillis(5_000));
    node.hangUpAll();
    // used a moment ago: trusted without a look (a look costs three system calls)
    assertThat(connection.isUsable(TimeUnit.HOURS.toNanos(1))).isTrue();
  }

  @Test
  void theSweepLeavesCallsWithinTheirDeadlineAndIdleConnectionsAlone() throws Exception {
    node = echoNode();
    connection = BlockingConnection.open(node.endpoint(), 1_000);
    connection.call(new Request.Ping(), inMillis(5_000));
    connection.expireIfPast(System.nanoTime() + TimeUnit.DAYS.toNanos(1));
    assertThat(connection.isOpen()).as("idle: no deadline to pass").isTrue();
    assertThat(connection.call(new Request.Ping(), inMillis(5_000))).isEqualTo(new Response.Ack());
  }
}
