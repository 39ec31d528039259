package io.floe.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Durability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecRoundTripTest {
  private static final byte[] K = {1, 2, 3};
  private static final byte[] R = {9, 8};

  @Test
  void everyRequestSurvivesTheWire() {
    List<Request> requests =
        List.of(
            new Request.Ping(),
            new Request.DescribeTable("db.t"),
            new Request.TableStatus("db.t", -1),
            new Request.CreateTable("db.t", 7, "{}", 4, Durability.MEMORY),
            new Request.Put("db.t", R),
            new Request.Delete("db.t", K),
            new Request.BatchWrite("db.t", List.of(Request.Write.put(R), Request.Write.delete(K))),
            new Request.Get("db.t", K),
            new Request.MultiGet("db.t", List.of(K, R)),
            new Request.Scan("db.t", 3, K, true, null, false, 100, R),
            new Request.ScanMerged("db.t", List.of(0, 5, 2), null, false, K, true, 7, null),
            new Request.ScanMerged("db.t", List.of(4), K, true, R, false, 10_000, R));
    for (Request request : requests) {
      ByteBuf buf = Unpooled.buffer();
      RequestCodec.encode(request, buf);
      Request back = RequestCodec.decode(request.opcode(), buf);
      assertThat(back).usingRecursiveComparison().isEqualTo(request);
    }
  }

  @Test
  void everyResponseSurvivesTheWire() {
    PartitionStatus status =
        new PartitionStatus(1, PartitionState.NORMAL, PartitionRole.LEADER, 2, 3, 4, 5);
    Object[][] cases = {
      {Opcode.PING, new Response.Ack()},
      {
        Opcode.DESCRIBE_TABLE,
        new Response.TableDescription("{}", Durability.S3, List.of("a:1", ""))
      },
      {Opcode.TABLE_STATUS, new Response.Statuses(List.of(status))},
      {Opcode.PUT, new Response.Written(5, 6)},
      {Opcode.BATCH_WRITE, new Response.BatchWritten(new long[] {1, 2})},
      {Opcode.GET, new Response.Got(null)},
      {Opcode.MULTI_GET, new Response.MultiGot(Arrays.asList(R, null))},
      {Opcode.SCAN, new Response.Scanned(List.of(K), List.of(R), null)},
      {Opcode.SCAN_MERGED, new Response.Scanned(List.of(K, R), List.of(R, K), K)},
      {Opcode.GET, new Response.Error(ErrorCode.NOT_LEADER, "moved", "h:1")},
    };
    for (Object[] c : cases) {
      Opcode op = (Opcode) c[0];
      Response response = (Response) c[1];
      ByteBuf buf = Unpooled.buffer();
      ResponseCodec.encode(response, buf);
      Response back = ResponseCodec.decode(op, ResponseCodec.frameOpcode(op, response), buf);
      assertThat(back).usingRecursiveComparison().isEqualTo(response);
    }
  }

  @Test
  void truncatedBodiesAreMalformedNotOutOfBounds() {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(new Request.Put("db.t", new byte[100]), buf);
    ByteBuf truncated = buf.slice(0, buf.readableBytes() - 1);
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.PUT, truncated))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("truncated");
    ByteBuf hugeCount = Unpooled.buffer();
    Wire.writeString(hugeCount, "db.t");
    hugeCount.writeInt(Integer.MAX_VALUE);
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.MULTI_GET, hugeCount))
        .isInstanceOf(MalformedFrameException.class);
  }

  @Test
  void decoderSplitsFramesAcrossReadsAndRefusesBadLengths() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
    ByteBuf frame = Frames.start(Unpooled.buffer().alloc(), Opcode.PING.code(), 77, 0);
    Frames.finish(frame);
    channel.writeInbound(frame.readRetainedSlice(3));
    assertThat((Object) channel.readInbound()).isNull();
    channel.writeInbound(frame);
    Frame decoded = channel.readInbound();
    assertThat(decoded.requestId()).isEqualTo(77);
    assertThat(decoded.opcode()).isEqualTo(Opcode.PING.code());
    decoded.release();
    ByteBuf bad = Unpooled.buffer().writeInt(5000).writeByte(1).writeByte(1).writeInt(9);
    assertThatThrownBy(() -> channel.writeInbound(bad))
        .hasCauseInstanceOf(FrameTooLargeException.class);
  }
}
