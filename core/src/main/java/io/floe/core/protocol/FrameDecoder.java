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
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private boolean broken;

  public FrameDecoder() {
    this(Frames.MAX_FRAME_BYTES);
  }

  public FrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
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
        broken = true;
        int requestId =
            in.readableBytes() >= Frames.LENGTH_BYTES + Frames.HEADER_BYTES
                ? in.getInt(start + 6)
                : 0;
        in.skipBytes(in.readableBytes());
        throw new FrameTooLargeException(length, maxFrameBytes, requestId);
      }
      if (in.readableBytes() < Frames.LENGTH_BYTES + length) {
        return;
      }
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
}
