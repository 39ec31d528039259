package io.floe.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionalWriteCodecTest {
  private static final byte[] K = {1, 2, 3};
  private static final byte[] R = {9, 8};

  @Test
  void conditionalRequestsSurviveTheWire() {
    List<Request> requests =
        List.of(
            new Request.PutIf("db.t", 0, R),
            new Request.PutIf("db.t", 42, R),
            new Request.DeleteIf("db.t", -1, K),
            new Request.DeleteIf("db.t", 7, K),
            new Request.Update("db.t", -1, K, List.of("a", "b"), R),
            new Request.Update("db.t", 3, K, List.of("c"), R));
    for (Request request : requests) {
      ByteBuf buf = Unpooled.buffer();
      RequestCodec.encode(request, buf);
      assertThat(RequestCodec.decode(request.opcode(), buf))
          .usingRecursiveComparison()
          .isEqualTo(request);
    }
  }

  @Test
  void changedAnswerAndConditionFailedSurviveTheWire() {
    for (Opcode op : List.of(Opcode.PUT_IF, Opcode.DELETE_IF, Opcode.UPDATE)) {
      Response changed = new Response.Changed(5, 6, 4);
      ByteBuf buf = Unpooled.buffer();
      ResponseCodec.encode(changed, buf);
      assertThat(ResponseCodec.decode(op, op.responseCode(), buf)).isEqualTo(changed);
    }
    Response failed = new Response.Error(ErrorCode.CONDITION_FAILED, "version 9", "9");
    ByteBuf buf = Unpooled.buffer();
    ResponseCodec.encode(failed, buf);
    assertThat(ResponseCodec.decode(Opcode.PUT_IF, Opcode.ERROR, buf)).isEqualTo(failed);
    assertThat(ErrorCode.of(13)).isEqualTo(ErrorCode.CONDITION_FAILED);
  }

  @Test
  void newOpcodesHaveNewCodes() {
    assertThat(Opcode.of(0x13)).isEqualTo(Opcode.PUT_IF);
    assertThat(Opcode.of(0x14)).isEqualTo(Opcode.DELETE_IF);
    assertThat(Opcode.of(0x15)).isEqualTo(Opcode.UPDATE);
  }

  @Test
  void badExpectedVersionsAndEmptyColumnListsAreMalformed() {
    assertMalformed(new Request.PutIf("db.t", -2, R), "expected version");
    assertMalformed(new Request.Update("db.t", 0, K, List.of("a"), R), "existing row");
    assertMalformed(new Request.Update("db.t", -1, K, List.of(), R), "at least one column");
  }

  @Test
  void truncatedAndTrailingBodiesAreMalformed() {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(new Request.Update("db.t", 1, K, List.of("a"), R), buf);
    ByteBuf truncated = buf.slice(0, buf.readableBytes() - 1);
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.UPDATE, truncated))
        .isInstanceOf(MalformedFrameException.class);
    ByteBuf trailing = Unpooled.buffer();
    RequestCodec.encode(new Request.DeleteIf("db.t", 1, K), trailing);
    trailing.writeByte(0);
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.DELETE_IF, trailing))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("trailing");
  }

  private static void assertMalformed(Request request, String message) {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(request, buf);
    assertThatThrownBy(() -> RequestCodec.decode(request.opcode(), buf))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining(message);
  }
}
