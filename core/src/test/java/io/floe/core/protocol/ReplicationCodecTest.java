package io.floe.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.Response.AppendResults;
import io.floe.core.protocol.Response.Prepared;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replication and admin messages of {@code replication.md} §4 and §9: round trips, the bytes
 * the spec lays out, and bodies a receiver must refuse.
 */
class ReplicationCodecTest {
  private static final byte[] K = {1, 2, 3};
  private static final byte[] R = {9, 8};

  /** Three blocks: entries with a put and a delete, a heartbeat, a reload with unknown flags. */
  private static Append append() {
    AppendBlock entries =
        new AppendBlock(
            7,
            2,
            5,
            40,
            41,
            40,
            38,
            0,
            List.of(
                ReplicatedEntry.put(42, 5, 1_700_000_000_000_001L, K, R),
                ReplicatedEntry.delete(43, 5, 1_700_000_000_000_002L, K)));
    AppendBlock heartbeat = new AppendBlock(7, 3, 5, 10, 12, 12, 12, 0, List.of());
    AppendBlock reload =
        new AppendBlock(8, 0, 2, 0, 99, 99, 90, 0x80 | AppendBlock.RELOAD, List.of());
    return new Append("node-a", List.of(entries, heartbeat, reload));
  }

  private static ByteBuf encode(Request request) {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(request, buf);
    return buf;
  }

  private static ByteBuf encode(Response response) {
    ByteBuf buf = Unpooled.buffer();
    ResponseCodec.encode(response, buf);
    return buf;
  }

  private static Response decode(Opcode op, ByteBuf body) {
    return ResponseCodec.decode(op, op.responseCode(), body);
  }

  @Test
  void opcodesHaveTheirSpecifiedCodes() {
    assertThat(Opcode.of(0x23)).isEqualTo(Opcode.GET_ANY);
    assertThat(Opcode.of(0x40)).isEqualTo(Opcode.APPEND);
    assertThat(Opcode.of(0x41)).isEqualTo(Opcode.PREPARE_TERM);
    assertThat(Opcode.of(0x42)).isEqualTo(Opcode.HAND_OVER);
    assertThat(Opcode.APPEND.responseCode()).isEqualTo(0xC0);
  }

  @Test
  void everyReplicationRequestSurvivesTheWire() {
    List<Request> requests =
        List.of(
            new Request.GetAny("db.t", K),
            new Request.PrepareTerm("db.t", 3, 9),
            new Request.HandOver("db.t", 3, 9, "node-b"),
            append(),
            new Append("node-a", List.of()));
    for (Request request : requests) {
      Request back = RequestCodec.decode(request.opcode(), encode(request));
      assertThat(back).usingRecursiveComparison().isEqualTo(request);
    }
  }

  @Test
  void decodedBlocksKeepDeletesHeartbeatsAndFlags() {
    Append back = (Append) RequestCodec.decode(Opcode.APPEND, encode(append()));
    AppendBlock entries = back.blocks().get(0);
    assertThat(entries.entries().get(0).row()).isEqualTo(R);
    assertThat(entries.entries().get(1).delete()).isTrue();
    assertThat(entries.entries().get(1).row()).as("a delete's row").isNull();
    assertThat(entries.lastOffset()).isEqualTo(43);
    assertThat(entries.reload()).isFalse();
    assertThat(back.blocks().get(1).heartbeat()).isTrue();
    AppendBlock reload = back.blocks().get(2);
    assertThat(reload.reload()).isTrue();
    assertThat(reload.flags()).as("unknown bits kept, ignored").isEqualTo(0x81);
    assertThat(reload.lastOffset()).isEqualTo(99);
  }

  @Test
  void everyReplicationResponseSurvivesTheWire() {
    Object[][] cases = {
      {Opcode.GET_ANY, new Response.GetAnyResult(R, 17)},
      {Opcode.GET_ANY, new Response.GetAnyResult(null, 0)},
      {
        Opcode.APPEND,
        new AppendResults(
            List.of(
                new AppendResult(7, 2, AppendCode.OK, 5, 43),
                new AppendResult(7, 3, AppendCode.STALE_TERM, 6, 12),
                new AppendResult(8, 0, AppendCode.GAP, 2, 50),
                new AppendResult(8, 1, AppendCode.NOT_READY, 2, 0),
                new AppendResult(8, 2, AppendCode.DIVERGED, 1, 30)))
      },
      {Opcode.APPEND, new AppendResults(List.of())},
      {
        Opcode.PREPARE_TERM,
        new Prepared(9, 43, 5, List.of(new TermStart(1, 0), new TermStart(5, 40)))
      },
      {Opcode.PREPARE_TERM, new Prepared(1, 0, 0, List.of())},
      {Opcode.HAND_OVER, new Response.HandedOver(43, 12)},
      {Opcode.HAND_OVER, new Response.Error(ErrorCode.FENCED, "replica is in term 9", "9")},
    };
    for (Object[] c : cases) {
      Opcode op = (Opcode) c[0];
      Response response = (Response) c[1];
      Response back =
          ResponseCodec.decode(op, ResponseCodec.frameOpcode(op, response), encode(response));
      assertThat(back).usingRecursiveComparison().isEqualTo(response);
    }
  }

  /** The layout of §4.1 written out field by field: encoder and decoder cannot drift together. */
  @Test
  void appendBytesAreThoseTheSpecLaysOut() {
    AppendBlock block =
        new AppendBlock(
            7,
            2,
            5,
            40,
            41,
            40,
            38,
            AppendBlock.RELOAD,
            List.of(
                ReplicatedEntry.put(42, 5, 1000, K, R), ReplicatedEntry.delete(43, 4, 1001, K)));
    ByteBuf expected = Unpooled.buffer();
    expected.writeShort(6).writeBytes("node-a".getBytes(StandardCharsets.UTF_8)); // leader
    expected.writeInt(1); // blocks
    expected.writeLong(7).writeInt(2).writeLong(5).writeLong(40); // tid, pid, term, term start
    expected.writeLong(41).writeLong(40).writeLong(38); // prev, commit, shipped
    expected.writeByte(1).writeInt(2); // flags, entries
    expected.writeLong(42).writeLong(5).writeLong(1000).writeByte(0); // offset, term, ts, put
    expected.writeInt(3).writeBytes(K).writeInt(2).writeBytes(R); // key, row
    expected.writeLong(43).writeLong(4).writeLong(1001).writeByte(1); // delete
    expected.writeInt(3).writeBytes(K).writeInt(0); // key, empty row
    assertThat(ByteBufUtil.hexDump(encode(new Append("node-a", List.of(block)))))
        .isEqualTo(ByteBufUtil.hexDump(expected));
  }

  @Test
  void answerBytesAreThoseTheSpecLaysOut() {
    ByteBuf results = Unpooled.buffer().writeInt(1);
    results.writeLong(7).writeInt(2).writeByte(2).writeLong(5).writeLong(43);
    assertThat(
            ByteBufUtil.hexDump(
                encode(new AppendResults(List.of(new AppendResult(7, 2, AppendCode.GAP, 5, 43))))))
        .isEqualTo(ByteBufUtil.hexDump(results));

    ByteBuf prepared = Unpooled.buffer().writeLong(9).writeLong(43).writeLong(5).writeInt(1);
    prepared.writeLong(5).writeLong(40);
    assertThat(ByteBufUtil.hexDump(encode(new Prepared(9, 43, 5, List.of(new TermStart(5, 40))))))
        .isEqualTo(ByteBufUtil.hexDump(prepared));

    ByteBuf handOver = Unpooled.buffer();
    handOver.writeShort(4).writeBytes("db.t".getBytes(StandardCharsets.UTF_8));
    handOver.writeInt(3).writeLong(9);
    handOver.writeShort(6).writeBytes("node-b".getBytes(StandardCharsets.UTF_8));
    assertThat(ByteBufUtil.hexDump(encode(new Request.HandOver("db.t", 3, 9, "node-b"))))
        .isEqualTo(ByteBufUtil.hexDump(handOver));

    ByteBuf getAny = Unpooled.buffer().writeByte(1).writeInt(2).writeBytes(R).writeLong(17);
    assertThat(ByteBufUtil.hexDump(encode(new Response.GetAnyResult(R, 17))))
        .isEqualTo(ByteBufUtil.hexDump(getAny));
  }

  @Test
  void anUnknownResultCodeReadsAsNotReady() {
    ByteBuf body = Unpooled.buffer().writeInt(1);
    body.writeLong(7).writeInt(2).writeByte(9).writeLong(5).writeLong(43);
    AppendResults back = (AppendResults) decode(Opcode.APPEND, body);
    assertThat(back.results()).containsExactly(new AppendResult(7, 2, AppendCode.NOT_READY, 5, 43));
    assertThat(AppendCode.of(255)).isEqualTo(AppendCode.NOT_READY);
    assertThat(AppendCode.of(-1)).isEqualTo(AppendCode.NOT_READY);
    for (AppendCode code : AppendCode.values()) {
      assertThat(AppendCode.of(code.code())).isEqualTo(code);
    }
  }

  @Test
  void anAppendTruncatedAtAnyByteIsMalformed() {
    ByteBuf whole = encode(append());
    for (int length = 0; length < whole.readableBytes(); length++) {
      ByteBuf truncated = whole.slice(0, length);
      int at = length;
      assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, truncated))
          .as("truncated to %d bytes", at)
          .isInstanceOf(MalformedFrameException.class);
    }
  }

  @Test
  void answersTruncatedAtAnyByteAreMalformed() {
    Object[][] cases = {
      {
        Opcode.APPEND,
        new AppendResults(
            List.of(
                new AppendResult(7, 2, AppendCode.OK, 5, 43),
                new AppendResult(7, 3, AppendCode.GAP, 5, 12)))
      },
      {Opcode.PREPARE_TERM, new Prepared(9, 43, 5, List.of(new TermStart(5, 40)))},
      {Opcode.HAND_OVER, new Response.HandedOver(43, 12)},
      {Opcode.GET_ANY, new Response.GetAnyResult(R, 17)},
    };
    for (Object[] c : cases) {
      Opcode op = (Opcode) c[0];
      ByteBuf whole = encode((Response) c[1]);
      for (int length = 0; length < whole.readableBytes(); length++) {
        ByteBuf truncated = whole.slice(0, length);
        assertThatThrownBy(() -> decode(op, truncated))
            .as("%s answer truncated to %d bytes", op, length)
            .isInstanceOf(MalformedFrameException.class);
      }
    }
  }

  @Test
  void aTrailingByteIsMalformed() {
    List<Request> requests =
        List.of(
            append(),
            new Request.GetAny("db.t", K),
            new Request.PrepareTerm("db.t", 3, 9),
            new Request.HandOver("db.t", 3, 9, "node-b"));
    for (Request request : requests) {
      ByteBuf body = encode(request).writeByte(0);
      assertThatThrownBy(() -> RequestCodec.decode(request.opcode(), body))
          .as("%s with a trailing byte", request.opcode())
          .isInstanceOf(MalformedFrameException.class)
          .hasMessageContaining("trailing");
    }
    ByteBuf answer = encode(new Prepared(9, 43, 5, List.of())).writeByte(0);
    assertThatThrownBy(() -> decode(Opcode.PREPARE_TERM, answer))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("trailing");
  }

  /** One block of one entry, with the op, the row length and the offset chosen by the test. */
  private static ByteBuf oneEntry(int op, byte[] row, long offset) {
    ByteBuf body = Unpooled.buffer();
    Wire.writeString(body, "node-a");
    body.writeInt(1);
    body.writeLong(7).writeInt(2).writeLong(5).writeLong(0).writeLong(41);
    body.writeLong(41).writeLong(41).writeByte(0).writeInt(1);
    body.writeLong(offset).writeLong(5).writeLong(1000).writeByte(op);
    Wire.writeBytes(body, K);
    Wire.writeBytes(body, row);
    return body;
  }

  @Test
  void anEntryOfUnknownOpOrOutOfPlaceIsMalformedAndNamed() {
    assertThat(RequestCodec.decode(Opcode.APPEND, oneEntry(0, R, 42))).isInstanceOf(Append.class);
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, oneEntry(2, R, 42)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("APPEND block 0: entry 0: op 2");
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, oneEntry(1, R, 42)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("delete");
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, oneEntry(0, R, 44)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("offset 44, expected 42");
  }

  @Test
  void countsLargerThanTheBytesLeftOrNegativeAreMalformed() {
    for (int count : new int[] {Integer.MAX_VALUE, -1, 2}) {
      ByteBuf blocks = Unpooled.buffer();
      Wire.writeString(blocks, "node-a");
      blocks.writeInt(count);
      blocks.writeBytes(new byte[AppendCodec.BLOCK_MIN_BYTES]); // one empty block's worth
      assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, blocks))
          .as("block count %d", count)
          .isInstanceOf(MalformedFrameException.class)
          .hasMessageContaining("blocks: count " + count);

      ByteBuf entries = oneEntry(0, R, 42);
      entries.setInt(2 + 6 + 4 + AppendCodec.BLOCK_MIN_BYTES - 4, count);
      assertThatThrownBy(() -> RequestCodec.decode(Opcode.APPEND, entries))
          .as("entry count %d", count)
          .isInstanceOf(MalformedFrameException.class)
          .hasMessageContaining("entries: count " + count);

      ByteBuf results = Unpooled.buffer().writeInt(count).writeBytes(new byte[29]);
      assertThatThrownBy(() -> decode(Opcode.APPEND, results))
          .as("result count %d", count)
          .isInstanceOf(MalformedFrameException.class);

      ByteBuf history =
          Unpooled.buffer().writeLong(9).writeLong(43).writeLong(5).writeInt(count).writeLong(1);
      assertThatThrownBy(() -> decode(Opcode.PREPARE_TERM, history))
          .as("history count %d", count)
          .isInstanceOf(MalformedFrameException.class);
    }
  }

  @Test
  void anEntryIsAPutWithARowOrADeleteWithout() {
    assertThatThrownBy(() -> new ReplicatedEntry(1, 1, 1, false, K, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("put without a row");
    assertThatThrownBy(() -> new ReplicatedEntry(1, 1, 1, true, K, R))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delete");
    assertThat(new ReplicatedEntry(1, 1, 1, true, K, new byte[0]).row()).isNull();
    assertThatThrownBy(() -> new AppendBlock(1, 0, 1, 0, 0, 0, 0, 256, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flags 256");
  }
}
