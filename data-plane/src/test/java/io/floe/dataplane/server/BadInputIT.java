package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.testing.IdNameTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything a broken or hostile client can send over a real socket: the node answers with an error
 * frame or closes that one connection, applies nothing partial, and stays up for others.
 */
@Timeout(120)
class BadInputIT {
  static final String TABLE = "db.items";
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final RowCodec ROWS = IdNameTable.ROWS;
  static DataNode node;

  @BeforeAll
  static void start() throws IOException {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(256L << 20));
    props.setProperty(io.floe.dataplane.server.DataServer.MAX_PENDING, "64");
    node = DataNode.start(NodeConfig.of(props));
    try (RawConnection c = new RawConnection(node.port())) {
      Response created =
          c.call(
              1,
              new Request.CreateTable(
                  TABLE, 10, SchemaParser.toJson(SCHEMA), 4, Durability.MEMORY));
      assertThat(created).isInstanceOf(Response.Ack.class);
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static byte[] row(long id, String name) {
    return ROWS.encode(new Row(id, name));
  }

  static ErrorCode errorOf(Response response) {
    assertThat(response).isInstanceOf(Response.Error.class);
    return ((Response.Error) response).code();
  }

  long totalOffset() throws IOException {
    try (RawConnection c = new RawConnection(node.port())) {
      Response.Statuses s = (Response.Statuses) c.call(1, new Request.TableStatus(TABLE, -1));
      return s.partitions().stream().mapToLong(p -> p.offset()).sum();
    }
  }

  @Test
  void truncatedBodyUnknownOpcodeAndVersionGetErrorsAndTheConnectionLives() throws IOException {
    try (RawConnection c = new RawConnection(node.port())) {
      byte[] put = RawConnection.body(new Request.Put(TABLE, row(1, "a")));
      byte[] truncated = java.util.Arrays.copyOf(put, put.length - 3);
      c.sendRaw(RawConnection.frame(Frames.VERSION, Opcode.PUT.code(), 5, truncated));
      Object[] answer = c.read(Opcode.PUT);
      assertThat(answer[0]).isEqualTo(5);
      assertThat(errorOf((Response) answer[1])).isEqualTo(ErrorCode.MALFORMED_REQUEST);

      c.sendRaw(RawConnection.frame(Frames.VERSION, 0x6E, 6, new byte[0]));
      assertThat(errorOf((Response) c.read(Opcode.PING)[1])).isEqualTo(ErrorCode.MALFORMED_REQUEST);

      c.sendRaw(RawConnection.frame(9, Opcode.PING.code(), 7, new byte[0]));
      assertThat(errorOf((Response) c.read(Opcode.PING)[1]))
          .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);

      assertThat(c.call(8, new Request.Ping())).isInstanceOf(Response.Ack.class);
    }
  }

  @Test
  void malformedConditionalFramesAndBadUpdatesApplyNothingAndTheConnectionLives()
      throws IOException {
    byte[] key = new io.floe.core.table.KeyCodec(SCHEMA).encodeKey(900L);
    try (RawConnection c = new RawConnection(node.port())) {
      long written =
          ((Response.Changed) c.call(1, new Request.PutIf(TABLE, 0, row(900, "a")))).offset();
      long before = totalOffset();
      byte[] update =
          RawConnection.body(new Request.Update(TABLE, -1, key, List.of("name"), new byte[] {0}));
      byte[] truncated = java.util.Arrays.copyOf(update, update.length - 1);
      c.sendRaw(RawConnection.frame(Frames.VERSION, Opcode.UPDATE.code(), 2, truncated));
      assertThat(errorOf((Response) c.read(Opcode.UPDATE)[1]))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(3, new Request.PutIf(TABLE, -2, row(900, "b")))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(4, new Request.Update(TABLE, 0, key, List.of("name"), update))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      Response unknown =
          c.call(5, new Request.Update(TABLE, -1, key, List.of("nickname"), new byte[] {0}));
      assertThat(errorOf(unknown)).isEqualTo(ErrorCode.SCHEMA_VIOLATION);
      assertThat(((Response.Error) unknown).message()).contains("'nickname'");
      Response stale = c.call(6, new Request.PutIf(TABLE, written + 1000, row(900, "c")));
      assertThat(errorOf(stale)).isEqualTo(ErrorCode.CONDITION_FAILED);
      assertThat(((Response.Error) stale).detail()).isEqualTo(Long.toString(written));
      assertThat(totalOffset()).isEqualTo(before);
      assertThat(c.call(7, new Request.Ping())).isInstanceOf(Response.Ack.class);
    }
  }

  @Test
  void unknownTableWrongTypesAndOversizedRowsAreRefused() throws IOException {
    try (RawConnection c = new RawConnection(node.port())) {
      assertThat(errorOf(c.call(1, new Request.Get("db.nope", new byte[] {1}))))
          .isEqualTo(ErrorCode.TABLE_NOT_FOUND);
      Schema wrong =
          new Schema(
              1,
              List.of(
                  new Column("id", ColumnType.STRING, false),
                  new Column("name", ColumnType.STRING, true)),
              List.of("id"));
      byte[] wrongRow = new RowCodec(wrong).encode(new Row("not-a-number-\u0001", "x"));
      assertThat(errorOf(c.call(2, new Request.Put(TABLE, wrongRow))))
          .isIn(ErrorCode.SCHEMA_VIOLATION, ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(3, new Request.Get(TABLE, new byte[] {1, 2}))))
          .isEqualTo(ErrorCode.SCHEMA_VIOLATION);
      byte[] huge = row(7, "x".repeat((1 << 20) + 1));
      assertThat(errorOf(c.call(4, new Request.Put(TABLE, huge))))
          .isEqualTo(ErrorCode.ROW_TOO_LARGE);
      assertThat(
              c.call(
                  5, new Request.Get(TABLE, new io.floe.core.table.KeyCodec(SCHEMA).encodeKey(7L))))
          .isEqualTo(new Response.Got(null));
    }
  }

  @Test
  void aBatchWithOneBadRowAppliesNothing() throws IOException {
    long before = totalOffset();
    List<Request.Write> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      writes.add(Request.Write.put(row(1000 + i, "ok")));
    }
    writes.add(Request.Write.put(new byte[] {2, 0, 1})); // does not decode
    try (RawConnection c = new RawConnection(node.port())) {
      assertThat(errorOf(c.call(1, new Request.BatchWrite(TABLE, writes))))
          .isEqualTo(ErrorCode.SCHEMA_VIOLATION);
    }
    assertThat(totalOffset()).isEqualTo(before);
  }

  @Test
  void anOversizedFrameIsAnsweredThenTheConnectionClosed() throws IOException {
    try (RawConnection c = new RawConnection(node.port())) {
      byte[] header = RawConnection.frame(Frames.VERSION, Opcode.PUT.code(), 42, new byte[0]);
      java.nio.ByteBuffer.wrap(header).putInt(0, Frames.MAX_FRAME_BYTES + 1);
      c.sendRaw(header);
      Object[] answer = c.read(Opcode.PUT);
      assertThat(answer[0]).isEqualTo(42);
      assertThat(errorOf((Response) answer[1])).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(c.closedByPeer()).isTrue();
    }
    try (RawConnection c = new RawConnection(node.port())) {
      assertThat(c.call(1, new Request.Ping())).isInstanceOf(Response.Ack.class);
    }
  }

  @Test
  void aClientThatDisconnectsMidBatchAppliesNothing() throws IOException {
    long before = totalOffset();
    List<Request.Write> writes = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      writes.add(Request.Write.put(row(5000 + i, "half")));
    }
    byte[] frame =
        RawConnection.frame(
            Frames.VERSION,
            Opcode.BATCH_WRITE.code(),
            1,
            RawConnection.body(new Request.BatchWrite(TABLE, writes)));
    try (RawConnection c = new RawConnection(node.port())) {
      c.sendRaw(java.util.Arrays.copyOf(frame, frame.length / 2));
    }
    try (RawConnection c = new RawConnection(node.port())) {
      assertThat(c.call(1, new Request.Ping())).isInstanceOf(Response.Ack.class);
    }
    assertThat(totalOffset()).isEqualTo(before);
  }

  @Test
  void aClientThatDoesNotReadIsThrottledAndThenFullyAnswered() throws Exception {
    int requests = 2_000_000;
    byte[] get =
        RawConnection.frame(
            Frames.VERSION,
            Opcode.GET.code(),
            0,
            RawConnection.body(
                new Request.Get(TABLE, new io.floe.core.table.KeyCodec(SCHEMA).encodeKey(1L))));
    try (RawConnection c = new RawConnection(node.port())) {
      AtomicInteger sent = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                try {
                  java.io.OutputStream out =
                      new java.io.BufferedOutputStream(c.socket.getOutputStream(), 1 << 16);
                  for (int i = 0; i < requests; i++) {
                    java.nio.ByteBuffer.wrap(get).putInt(6, i);
                    out.write(get);
                    sent.incrementAndGet();
                  }
                  out.flush();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      writer.start();
      // Nobody reads: the node must stop reading too, so the writer stalls well before the end.
      org.awaitility.Awaitility.await()
          .during(java.time.Duration.ofMillis(500))
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> sent.get() < requests);
      java.util.BitSet answered = new java.util.BitSet(requests);
      for (int i = 0; i < requests; i++) {
        Object[] answer = c.read(Opcode.GET);
        assertThat(answer[1]).isInstanceOf(Response.Got.class);
        answered.set((int) answer[0]);
      }
      writer.join();
      assertThat(answered.cardinality()).isEqualTo(requests);
    }
  }

  /** A valid CREATE_TABLE body for {@code table}, to be broken field by field. */
  static Request.CreateTable createOf(String table, long id, String schema, int partitions) {
    return new Request.CreateTable(table, id, schema, partitions, Durability.MEMORY);
  }

  @Test
  void createTableIsValidatedFieldByFieldAndCreatesNothingWhenRefused() throws IOException {
    String schema = SchemaParser.toJson(SCHEMA);
    try (RawConnection c = new RawConnection(node.port())) {
      assertThat(errorOf(c.call(1, createOf("nodot", 20, schema, 2))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(2, createOf("db.bad name", 20, schema, 2))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(3, createOf("db.fresh", 0, schema, 2))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(4, createOf("db.fresh", 20, schema, 0))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(5, createOf("db.fresh", 20, schema, 1 << 20))))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(errorOf(c.call(6, createOf("db.fresh", 20, "{\"columns\":[]}", 2))))
          .isEqualTo(ErrorCode.SCHEMA_VIOLATION);
      assertThat(errorOf(c.call(7, createOf(TABLE, 10, schema, 8))))
          .as("another definition under an existing name")
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);

      byte[] valid = RawConnection.body(createOf("db.fresh", 20, schema, 2));
      byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
      c.sendRaw(RawConnection.frame(Frames.VERSION, Opcode.CREATE_TABLE.code(), 8, trailing));
      assertThat(errorOf((Response) c.read(Opcode.CREATE_TABLE)[1]))
          .isEqualTo(ErrorCode.MALFORMED_REQUEST);
      byte[] notUtf8 = valid.clone();
      notUtf8[2 + "db.".length()] = (byte) 0xFF; // inside the table name
      c.sendRaw(RawConnection.frame(Frames.VERSION, Opcode.CREATE_TABLE.code(), 9, notUtf8));
      Response.Error error = (Response.Error) c.read(Opcode.CREATE_TABLE)[1];
      assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(error.message()).startsWith("table:");

      assertThat(errorOf(c.call(10, new Request.DescribeTable("db.fresh"))))
          .isEqualTo(ErrorCode.TABLE_NOT_FOUND);
      assertThat(c.call(11, createOf(TABLE, 10, schema, 4))).isInstanceOf(Response.Ack.class);
    }
  }

  @Test
  void aScanWithItsStartAboveItsEndIsAnEmptyPage() throws IOException {
    io.floe.core.table.KeyCodec keys = new io.floe.core.table.KeyCodec(SCHEMA);
    try (RawConnection c = new RawConnection(node.port())) {
      for (int pid = 0; pid < 4; pid++) {
        Response page =
            c.call(
                pid,
                new Request.Scan(
                    TABLE, pid, keys.encodeKey(900L), true, keys.encodeKey(100L), true, 10, null));
        assertThat(page).isEqualTo(new Response.Scanned(List.of(), List.of(), null));
      }
    }
  }

  @Test
  void anAnswerTooLargeForOneFrameIsAnErrorAndTheConnectionLives() throws IOException {
    io.floe.core.table.KeyCodec keys = new io.floe.core.table.KeyCodec(SCHEMA);
    String mebibyte = "m".repeat(1 << 20);
    List<byte[]> asked = new ArrayList<>();
    try (RawConnection c = new RawConnection(node.port())) {
      for (long id = 70_000; id < 70_017; id++) {
        assertThat(c.call(1, new Request.Put(TABLE, row(id, mebibyte))))
            .isInstanceOf(Response.Written.class);
        asked.add(keys.encodeKey(id));
      }
      assertThat(errorOf(c.call(2, new Request.MultiGet(TABLE, asked))))
          .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(c.call(3, new Request.Ping())).isInstanceOf(Response.Ack.class);
      for (long id = 70_000; id < 70_017; id++) {
        c.call(4, new Request.Delete(TABLE, keys.encodeKey(id)));
      }
    }
  }
}
