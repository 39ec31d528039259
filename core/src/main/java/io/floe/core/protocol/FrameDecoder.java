package io.floe.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into {@link Frame}s. A length field below the header size or above {@link
 * Frames#MAX_FRAME_BYTES} cannot be resynchronised: the decoder then raises {@link
 * FrameTooLargeException} (carrying the request id when it is readable) and discards everything
 * that follows; the handler answers it and closes the connection.
 *
 * <p>With an {@link InflightFrameBudget} (the node's side), a frame that is not received whole at
 * once holds its length from that budget until it is complete or the connection closes; a frame
 * that does not fit raises {@link FrameRefusedException} ({@code MEMORY_LIMIT}) before any of its
 * body is buffered, and the connection is answered and closed likewise.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private final InflightFrameBudget budget;
  private boolean broken;

  /** Bytes this connection holds from the budget for the frame it is receiving (0: none). */
  private long reserved;

  public FrameDecoder() {
    this(Frames.MAX_FRAME_BYTES, null);
  }

  public FrameDecoder(int maxFrameBytes) {
    this(maxFrameBytes, null);
  }

  /** {@code budget} null: frames in flight are bounded only by {@code maxFrameBytes}. */
  public FrameDecoder(int maxFrameBytes, InflightFrameBudget budget) {
    this.maxFrameBytes = maxFrameBytes;
    this.budget = budget;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.readableBytes() >= Frames.LENGTH_BYTES) {
      int start = in.readerIndex();
      long length = in.getUnsignedInt(start);
      if (length < Frames.HEADER_BYTES || length > maxFrameBytes) {
        throw refuse(in, new FrameTooLargeException(length, maxFrameBytes, requestIdOf(in)));
      }
      if (in.readableBytes() < Frames.LENGTH_BYTES + length) {
        holdForPartialFrame(in, length);
        return;
      }
      releaseReserved();
      int version = in.getUnsignedByte(start + 4);
      int opcode = in.getUnsignedByte(start + 5);
      int requestId = in.getInt(start + 6);
      int bodyLength = (int) length - Frames.HEADER_BYTES;
      ByteBuf body =
          in.retainedSlice(start + Frames.LENGTH_BYTES + Frames.HEADER_BYTES, bodyLength);
      in.skipBytes(Frames.LENGTH_BYTES + (int) length);
      out.add(new Frame(version, opcode, requestId, body));
    }
  }

  /** Reserves a partly received frame's length once its header (and so its request id) is in. */
  private void holdForPartialFrame(ByteBuf in, long length) {
    if (budget == null
        || reserved > 0
        || in.readableBytes() < Frames.LENGTH_BYTES + Frames.HEADER_BYTES) {
      return;
    }
    if (!budget.tryReserve(length)) {
      throw refuse(
          in,
          new FrameRefusedException(
              ErrorCode.MEMORY_LIMIT,
              "frame of "
                  + length
                  + " bytes refused: the node holds "
                  + budget.used()
                  + " bytes of partly received frames, its limit is "
                  + budget.limit()
                  + " (node.max-inflight-frame-bytes); send it again later",
              requestIdOf(in)));
    }
    reserved = length;
  }

  private static int requestIdOf(ByteBuf in) {
    return in.readableBytes() >= Frames.LENGTH_BYTES + Frames.HEADER_BYTES
        ? in.getInt(in.readerIndex() + 6)
        : 0;
  }

  private FrameRefusedException refuse(ByteBuf in, FrameRefusedException e) {
    broken = true;
    in.skipBytes(in.readableBytes());
    releaseReserved();
    return e;
  }

  private void releaseReserved() {
    if (reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseReserved();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseReserved();
  }
}
