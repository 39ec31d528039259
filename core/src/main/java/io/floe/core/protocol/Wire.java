package io.floe.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Primitive values of frame bodies ({@code data-protocol.md} §3): strings as {@code u16 length +
 * UTF-8}, byte strings as {@code u32 length + bytes}. Reads check what remains in the body and
 * throw {@link MalformedFrameException} instead of reading past it.
 */
public final class Wire {
  private Wire() {}

  public static void writeString(ByteBuf out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) {
      throw new IllegalArgumentException("string of " + utf8.length + " bytes is over 65535");
    }
    out.writeShort(utf8.length);
    out.writeBytes(utf8);
  }

  public static String readString(ByteBuf in, String what) {
    int length = readUnsignedShort(in, what);
    need(in, length, what);
    requireUtf8(in, length, what);
    String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return value;
  }

  /** Writes a length-prefixed 32-bit string of the UTF-8 bytes (schema JSON may exceed 64 KiB). */
  public static void writeLongString(ByteBuf out, String value) {
    writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
  }

  public static String readLongString(ByteBuf in, String what) {
    int length = readLength(in, what);
    requireUtf8(in, length, what);
    byte[] value = new byte[length];
    in.readBytes(value);
    return new String(value, StandardCharsets.UTF_8);
  }

  /**
   * Strings MUST be well-formed UTF-8: decoding would otherwise replace bad bytes silently, and the
   * node would act on a string the client never sent.
   */
  private static void requireUtf8(ByteBuf in, int length, String what) {
    if (!ByteBufUtil.isText(in, in.readerIndex(), length, StandardCharsets.UTF_8)) {
      throw new MalformedFrameException(what + ": not well-formed UTF-8");
    }
  }

  public static void writeBytes(ByteBuf out, byte[] value) {
    out.writeInt(value.length);
    out.writeBytes(value);
  }

  public static byte[] readBytes(ByteBuf in, String what) {
    byte[] value = new byte[readLength(in, what)];
    in.readBytes(value);
    return value;
  }

  /** A u32 length of bytes that follow, checked against what is left. */
  private static int readLength(ByteBuf in, String what) {
    int length = readInt(in, what);
    if (length < 0) {
      throw new MalformedFrameException(what + ": negative length " + length);
    }
    need(in, length, what);
    return length;
  }

  public static int readInt(ByteBuf in, String what) {
    need(in, 4, what);
    return in.readInt();
  }

  /** A count of following items, checked against the bytes left (each item at least minBytes). */
  public static int readCount(ByteBuf in, String what, int minItemBytes) {
    int count = readInt(in, what);
    if (count < 0 || (long) count * minItemBytes > in.readableBytes()) {
      throw new MalformedFrameException(
          what + ": count " + count + " does not fit the " + in.readableBytes() + " bytes left");
    }
    return count;
  }

  public static long readLong(ByteBuf in, String what) {
    need(in, 8, what);
    return in.readLong();
  }

  public static int readUnsignedByte(ByteBuf in, String what) {
    need(in, 1, what);
    return in.readUnsignedByte();
  }

  public static boolean readBool(ByteBuf in, String what) {
    int value = readUnsignedByte(in, what);
    if (value > 1) {
      throw new MalformedFrameException(what + ": bool must be 0 or 1, found " + value);
    }
    return value == 1;
  }

  public static int readUnsignedShort(ByteBuf in, String what) {
    need(in, 2, what);
    return in.readUnsignedShort();
  }

  /** The body must be fully consumed: trailing bytes mean the sender and we disagree. */
  public static void end(ByteBuf in, String message) {
    if (in.isReadable()) {
      throw new MalformedFrameException(
          message + ": " + in.readableBytes() + " unexpected trailing bytes");
    }
  }

  private static void need(ByteBuf in, int bytes, String what) {
    if (in.readableBytes() < bytes) {
      throw new MalformedFrameException(
          what + ": needs " + bytes + " bytes, only " + in.readableBytes() + " left (truncated)");
    }
  }
}
