package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FrameDecoder;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.metrics.NodeMetrics;
import io.floe.dataplane.metrics.RequestMetrics;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.testing.Scrape;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import io.floe.dataplane.wal.WalSinks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection's frames through the server's handlers (no socket: Netty's embedded channel) and
 * what the node's request meters make of them: every answer counted by opcode and outcome, one in
 * {@link RequestMetrics#TIMED_EVERY} timed from arrival to answer, a write that waits for its
 * durability mode counted and timed only once it is answered, a frame refused before it arrived
 * whole counted as {@code UNKNOWN}.
 */
@Timeout(30)
class ConnectionMetricsTest {
  static final String TABLE = "db.items";
  static final String HELD = "db.held";

  /** The {@code s3} sink: each write's future completes when the test says. */
  private final CompletableFuture<Void> durable = new CompletableFuture<>();

  private final WalSink heldSink =
      new WalSink() {
        @Override
        public CompletableFuture<Void> append(WalEntry entry) {
          return durable;
        }
      };

  private final TableRegistry tables = new TableRegistry();
  private final RequestProcessor processor =
      new RequestProcessor(
          tables,
          new TableHosting(
              tables,
              new MemoryBudget(64L << 20),
              WalSinks.memoryOnly().with(Durability.S3, heldSink)),
          () -> "127.0.0.1:7400");
  private final NodeMetrics metrics = new NodeMetrics("n1");

  @AfterEach
  void close() {
    metrics.close();
  }

  private EmbeddedChannel connection() {
    return new EmbeddedChannel(
        new FrameDecoder(), new ConnectionHandler(processor, 64, metrics.requests()));
  }

  private static void send(EmbeddedChannel c, int requestId, Request request) {
    sendRaw(c, request.opcode().code(), requestId, RawConnection.body(request));
  }

  private static void sendRaw(EmbeddedChannel c, int opcode, int requestId, byte[] body) {
    c.writeInbound(
        Unpooled.wrappedBuffer(RawConnection.frame(Frames.VERSION, opcode, requestId, body)));
  }

  /** The next answer written to the connection, decoded as one to {@code request}. */
  private static Response answer(EmbeddedChannel c, Opcode request) {
    ByteBuf frame = c.readOutbound();
    assertThat(frame).as("an answer to " + request).isNotNull();
    try {
      frame.skipBytes(4 + 1); // length, version
      int opcode = frame.readUnsignedByte();
      frame.skipBytes(4); // request id
      return ResponseCodec.decode(request, opcode, frame);
    } finally {
      frame.release();
    }
  }

  private static byte[] row(long id) {
    return IdNameTable.ROWS.encode(new Row(id, "name-" + id));
  }

  private static Request.CreateTable create(String table, long tid, Durability durability) {
    return new Request.CreateTable(
        table, tid, SchemaParser.toJson(IdNameTable.SCHEMA), 2, durability);
  }

  private Scrape scrape() {
    return Scrape.parse(metrics.scrape());
  }

  @Test
  void everyAnswerIsCountedByOpcodeAndOutcomeAndOneInEightTimed() {
    EmbeddedChannel c = connection();
    send(c, 1, create(TABLE, 7, Durability.MEMORY)); // arrival 0: timed
    assertThat(answer(c, Opcode.CREATE_TABLE)).isInstanceOf(Response.Ack.class);
    for (int id = 1; id <= 8; id++) { // arrivals 1..8: the last one timed
      send(c, 10 + id, new Request.Put(TABLE, row(id)));
      assertThat(answer(c, Opcode.PUT)).isInstanceOf(Response.Written.class);
    }
    for (int i = 0; i < 3; i++) {
      send(c, 20 + i, new Request.Get(TABLE, IdNameTable.KEYS.encodeKey(1L)));
      assertThat(answer(c, Opcode.GET)).isInstanceOf(Response.Got.class);
    }
    send(c, 30, new Request.Get("db.missing", IdNameTable.KEYS.encodeKey(1L)));
    answer(c, Opcode.GET);
    sendRaw(c, 0x6E, 31, new byte[0]); // no such opcode
    answer(c, Opcode.PING);
    byte[] put = RawConnection.body(new Request.Put(TABLE, row(99)));
    sendRaw(c, Opcode.PUT.code(), 32, Arrays.copyOf(put, put.length - 3)); // arrival 14
    answer(c, Opcode.PUT);

    Scrape scrape = scrape();
    assertThat(scrape.value("floe_requests_total", "opcode", "CREATE_TABLE", "outcome", "OK"))
        .isEqualTo(1);
    assertThat(scrape.value("floe_requests_total", "opcode", "PUT", "outcome", "OK")).isEqualTo(8);
    assertThat(scrape.value("floe_requests_total", "opcode", "GET", "outcome", "OK")).isEqualTo(3);
    assertThat(scrape.value("floe_requests_total", "opcode", "GET", "outcome", "TABLE_NOT_FOUND"))
        .isEqualTo(1);
    assertThat(
            scrape.value(
                "floe_requests_total", "opcode", "UNKNOWN", "outcome", "MALFORMED_REQUEST"))
        .isEqualTo(1);
    assertThat(scrape.value("floe_requests_total", "opcode", "PUT", "outcome", "MALFORMED_REQUEST"))
        .isEqualTo(1);
    assertThat(scrape.sum("floe_requests_total")).isEqualTo(15);
    assertThat(scrape.find("floe_requests_total", "outcome", "NOT_LEADER"))
        .as("only outcomes that happened are listed")
        .isEmpty();

    assertThat(scrape.sum("floe_request_duration_seconds_count"))
        .as("arrivals 0 and 8")
        .isEqualTo(2);
    assertThat(scrape.value("floe_request_duration_seconds_count", "opcode", "CREATE_TABLE"))
        .isEqualTo(1);
    assertThat(scrape.value("floe_request_duration_seconds_count", "opcode", "PUT")).isEqualTo(1);
    assertThat(scrape.value("floe_request_duration_seconds_bucket", "opcode", "PUT", "le", "+Inf"))
        .isEqualTo(1);
    assertThat(scrape.value("floe_request_duration_seconds_sum", "opcode", "PUT")).isPositive();
    assertThat(scrape.find("floe_request_duration_seconds_count", "opcode", "GET"))
        .as("no GET was timed, so none is listed")
        .isEmpty();
    c.finishAndReleaseAll();
  }

  @Test
  void aWriteWaitingForItsDurabilityIsCountedAndTimedWhenAnswered() {
    EmbeddedChannel setup = connection();
    send(setup, 1, create(HELD, 8, Durability.S3));
    assertThat(answer(setup, Opcode.CREATE_TABLE)).isInstanceOf(Response.Ack.class);
    setup.finishAndReleaseAll();

    EmbeddedChannel c = connection();
    long beforeSend = System.nanoTime();
    send(c, 2, new Request.Put(HELD, row(1))); // the connection's first request: timed
    long afterSend = System.nanoTime();
    c.runPendingTasks();
    assertThat((Object) c.readOutbound()).as("no answer before S3 holds the write").isNull();
    assertThat(scrape().find("floe_requests_total", "opcode", "PUT")).isEmpty();
    assertThat(scrape().find("floe_request_duration_seconds_count", "opcode", "PUT")).isEmpty();

    long beforeDurable = System.nanoTime();
    durable.complete(null);
    c.runPendingTasks();
    long answered = System.nanoTime();
    assertThat(answer(c, Opcode.PUT)).isInstanceOf(Response.Written.class);

    Scrape scrape = scrape();
    assertThat(scrape.value("floe_requests_total", "opcode", "PUT", "outcome", "OK")).isEqualTo(1);
    assertThat(scrape.value("floe_request_duration_seconds_count", "opcode", "PUT")).isEqualTo(1);
    double seconds = scrape.value("floe_request_duration_seconds_sum", "opcode", "PUT");
    assertThat(seconds)
        .as("from arrival (during send) to the answer (after the write became durable)")
        .isBetween((beforeDurable - afterSend) / 1e9, (answered - beforeSend) / 1e9);
    c.finishAndReleaseAll();
  }

  @Test
  void aFrameRefusedBeforeItArrivedWholeIsCountedAsUnknown() {
    EmbeddedChannel c = connection();
    byte[] header = RawConnection.frame(Frames.VERSION, Opcode.PUT.code(), 5, new byte[0]);
    ByteBuffer.wrap(header).putInt(0, Frames.MAX_FRAME_BYTES + 1); // over the frame limit
    c.writeInbound(Unpooled.wrappedBuffer(header));
    Response refused = answer(c, Opcode.PUT);
    assertThat(((Response.Error) refused).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);

    assertThat(
            scrape()
                .value("floe_requests_total", "opcode", "UNKNOWN", "outcome", "FRAME_TOO_LARGE"))
        .isEqualTo(1);
    c.finishAndReleaseAll();
  }
}
