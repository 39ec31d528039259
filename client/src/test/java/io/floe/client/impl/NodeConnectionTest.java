package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipelined connection's bursts, against a fake node: many requests queued at once go out as
 * frames in one buffer, one that cannot be encoded fails alone, a burst past {@link
 * NodeConnection#BURST_BYTES} is split, and every answer reaches its own caller.
 */
@Timeout(60)
class NodeConnectionTest {
  private final EventLoopGroup group = Transport.eventLoops("node-connection-test", 1);
  private FakeNode node;
  private NodeConnection connection;

  @AfterEach
  void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static long inSeconds(long seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  private static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  /** Answers a get with its key as the row, a put with its row's length and first byte. */
  private static Response echo(Request request) {
    if (request instanceof Request.Get get) {
      return new Response.Got(get.key());
    }
    if (request instanceof Request.Put put) {
      return new Response.Written(put.row().length, put.row().length == 0 ? -1 : put.row()[0]);
    }
    return new Response.Ack();
  }

  /**
   * Sends every request from the event loop itself, so all of them are queued before the drain that
   * writes them runs: one burst, whatever the timing.
   */
  private List<CompletableFuture<Response>> sendAtOnce(List<Request> requests)
      throws InterruptedException {
    List<CompletableFuture<Response>> answers = new ArrayList<>();
    CountDownLatch sent = new CountDownLatch(1);
    group
        .next()
        .execute(
            () -> {
              for (Request r : requests) {
                answers.add(connection.send(r, inSeconds(20)));
              }
              sent.countDown();
            });
    assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
    return answers;
  }

  @Test
  void aBurstOfRequestsEachGetTheirOwnAnswerAndOneTooLargeFailsAlone() throws Exception {
    node = new FakeNode(NodeConnectionTest::echo);
    connection = NodeConnection.open(group, node.endpoint(), 5_000, 1).get(10, TimeUnit.SECONDS);
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      requests.add(
          i == 150
              ? new Request.Put("db.t", new byte[Frames.MAX_FRAME_BYTES + 1])
              : new Request.Get("db.t", bytes(1 + i % 40, i)));
    }

    List<CompletableFuture<Response>> answers = sendAtOnce(requests);

    for (int i = 0; i < requests.size(); i++) {
      CompletableFuture<Response> answer = answers.get(i);
      if (i == 150) {
        assertThat(answer)
            .failsWithin(20, TimeUnit.SECONDS)
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOfSatisfying(
                FloeRequestException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        continue;
      }
      Response got = answer.get(20, TimeUnit.SECONDS);
      assertThat(((Response.Got) got).row()).as("answer %d", i).isEqualTo(bytes(1 + i % 40, i));
    }
    // the node read 299 whole frames: the refused one left nothing behind in the burst
    assertThat(node.received).hasSize(299);
    assertThat(node.received).noneMatch(r -> r instanceof Request.Put);
  }

  @Test
  void aBurstLargerThanItsBufferGoesOutInPiecesAndWhole() throws Exception {
    node = new FakeNode(NodeConnectionTest::echo);
    connection = NodeConnection.open(group, node.endpoint(), 5_000, 1).get(10, TimeUnit.SECONDS);
    // about 4 bursts' worth: rows of every size around the buffer's, a few larger than it
    int[] sizes = {1, 10_000, 70_000, 3, NodeConnection.BURST_BYTES - 20, 200_000, 0, 65_000};
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      requests.add(new Request.Put("db.t", bytes(sizes[i % sizes.length], i)));
    }

    List<CompletableFuture<Response>> answers = sendAtOnce(requests);

    for (int i = 0; i < requests.size(); i++) {
      byte[] row = bytes(sizes[i % sizes.length], i);
      Response.Written written = (Response.Written) answers.get(i).get(20, TimeUnit.SECONDS);
      assertThat(written.offset()).as("answer %d", i).isEqualTo(row.length);
      assertThat(written.timestamp()).isEqualTo(row.length == 0 ? -1 : row[0]);
    }
    assertThat(node.received).hasSize(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      assertThat(((Request.Put) node.received.get(i)).row())
          .as("row %d as the node read it", i)
          .isEqualTo(bytes(sizes[i % sizes.length], i));
    }
  }
}
