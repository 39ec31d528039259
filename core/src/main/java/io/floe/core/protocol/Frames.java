package io.floe.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Frame layout of {@code data-protocol.md} §2: {@code u32 length | u8 version | u8 opcode | u32
 * request-id | body}, big-endian, where {@code length} counts every byte after itself.
 */
public final class Frames {
  public static final int VERSION = 1;
  public static final int LENGTH_BYTES = 4;

  /** Version, opcode and request id. */
  public static final int HEADER_BYTES = 6;

  /** Largest value of the length field: 16 MiB, room for a 4 MiB row and a batch of small ones. */
  public static final int MAX_FRAME_BYTES = 16 << 20;

  private Frames() {}

  /** Starts a frame; write the body into the returned buffer, then call {@link #finish}. */
  public static ByteBuf start(ByteBufAllocator alloc, int opcode, int requestId, int bodyHint) {
    ByteBuf out = alloc.buffer(LENGTH_BYTES + HEADER_BYTES + bodyHint);
    begin(out, opcode, requestId);
    return out;
  }

  /** Fills in the length field of a frame started at the buffer's reader index. */
  public static ByteBuf finish(ByteBuf frame) {
    try {
      end(frame, frame.readerIndex());
    } catch (FloeRequestException e) {
      frame.release();
      throw e;
    }
    return frame;
  }

  /**
   * Appends the start of a frame (its length to come, version, opcode and request id) to {@code
   * out}, which may hold other frames before it; write the body after it, then call {@link #end}
   * with the index returned.
   */
  public static int begin(ByteBuf out, int opcode, int requestId) {
    int start = out.writerIndex();
    out.writeInt(0);
    out.writeByte(VERSION);
    out.writeByte(opcode);
    out.writeInt(requestId);
    return start;
  }

  /**
   * Fills in the length field of the frame begun at {@code start}: everything written to {@code
   * out} after it. A frame over the limit throws {@code FRAME_TOO_LARGE}, {@code out} unchanged.
   */
  public static void end(ByteBuf out, int start) {
    int length = out.writerIndex() - start - LENGTH_BYTES;
    if (length > MAX_FRAME_BYTES) {
      throw new FloeRequestException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame of " + length + " bytes is over the limit of " + MAX_FRAME_BYTES);
    }
    out.setInt(start, length);
  }
}
