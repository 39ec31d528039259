package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames that arrive in pieces over real sockets: what the node holds for them is bounded across
 * connections, the connection past the bound is told why and closed, and closing gives it back.
 */
@Timeout(60)
class InflightFramesIT {
  static final int FRAME = 1 << 20;
  static final int BUDGET_FRAMES = 4;

  DataServer server;

  @BeforeEach
  void start() {
    TableRegistry tables = new TableRegistry();
    RequestProcessor processor =
        new RequestProcessor(
            tables,
            new TableHosting(tables, new MemoryBudget(64L << 20), WalSinks.memoryOnly()),
            () -> "127.0.0.1:0");
    server =
        DataServer.start(
            new InetSocketAddress("127.0.0.1", 0), processor, 1, 64, (long) BUDGET_FRAMES * FRAME);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The header of a {@code FRAME}-byte frame and the first kilobyte of its body. */
  static byte[] startOfLargeFrame(int requestId) {
    byte[] start =
        RawConnection.frame(Frames.VERSION, Opcode.PING.code(), requestId, new byte[1024]);
    ByteBuffer.wrap(start).putInt(0, FRAME);
    return start;
  }

  @Test
  void partlyReceivedFramesAreBoundedAcrossConnectionsAndGivenBackOnClose() throws Exception {
    List<RawConnection> holding = new ArrayList<>();
    try {
      for (int i = 0; i < BUDGET_FRAMES; i++) {
        RawConnection c = new RawConnection(server.port());
        holding.add(c);
        c.sendRaw(startOfLargeFrame(100 + i));
        int held = i + 1;
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> server.inflightFrameBytes() == (long) held * FRAME);
      }

      try (RawConnection over = new RawConnection(server.port())) {
        over.sendRaw(startOfLargeFrame(777));
        Object[] answer = over.read(Opcode.PING);
        assertThat(answer[0]).isEqualTo(777);
        Response.Error error = (Response.Error) answer[1];
        assertThat(error.code()).isEqualTo(ErrorCode.MEMORY_LIMIT);
        assertThat(error.message()).contains("node.max-inflight-frame-bytes");
        assertThat(over.closedByPeer()).isTrue();
      }
      assertThat(server.inflightFrameBytes()).isEqualTo((long) BUDGET_FRAMES * FRAME);

      // Frames that arrive whole hold nothing: a full node still answers them.
      try (RawConnection small = new RawConnection(server.port())) {
        assertThat(small.call(1, new Request.Ping())).isInstanceOf(Response.Ack.class);
      }
    } finally {
      for (RawConnection c : holding) {
        c.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.inflightFrameBytes() == 0);

    // The budget is back: a large frame goes through whole again (and is answered).
    try (RawConnection c = new RawConnection(server.port())) {
      byte[] frame =
          RawConnection.frame(Frames.VERSION, Opcode.PING.code(), 9, new byte[FRAME - 6]);
      c.sendRaw(frame);
      Object[] answer = c.read(Opcode.PING);
      assertThat(answer[0]).isEqualTo(9);
      assertThat(((Response.Error) answer[1]).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(c.call(10, new Request.Ping())).isInstanceOf(Response.Ack.class);
    }
    assertThat(server.inflightFrameBytes()).isZero();
  }
}
