package io.floe.core.table;

import io.floe.core.format.FormatException;

/** Reads the primitive encodings of spec.md §3 and §4, refusing truncated or malformed input. */
final class ByteReader {
  private final String what;
  private final byte[] bytes;
  private final int end;
  private int position;

  ByteReader(String what, byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException(
          "range " + offset + "+" + length + " outside " + bytes.length + " bytes");
    }
    this.what = what;
    this.bytes = bytes;
    this.position = offset;
    this.end = offset + length;
  }

  boolean atEnd() {
    return position == end;
  }

  int position() {
    return position;
  }

  int readByte() {
    need(1);
    return bytes[position++] & 0xFF;
  }

  int peekByte(int ahead) {
    need(ahead + 1);
    return bytes[position + ahead] & 0xFF;
  }

  long readUVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw corrupt("varint longer than 10 bytes");
  }

  long readVarint() {
    long raw = readUVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  int readIntLE() {
    need(4);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (bytes[position++] & 0xFF) << (8 * i);
    }
    return value;
  }

  long readLongLE() {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (bytes[position++] & 0xFFL) << (8 * i);
    }
    return value;
  }

  int readIntBE() {
    need(4);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | (bytes[position++] & 0xFF);
    }
    return value;
  }

  long readLongBE() {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[position++] & 0xFFL);
    }
    return value;
  }

  /** The backing array, to slice {@code length} bytes at the current position after skipping. */
  byte[] array() {
    return bytes;
  }

  /** Advances past {@code length} bytes and returns where they start. */
  int skip(long length) {
    if (length < 0 || length > end - position) {
      throw corrupt("length " + length + " runs past the end");
    }
    int start = position;
    position += (int) length;
    return start;
  }

  FormatException corrupt(String problem) {
    return new FormatException(what + ": " + problem + " (at byte " + position + ")");
  }

  private void need(int n) {
    if (end - position < n) {
      throw corrupt("truncated: needs " + n + " more byte(s), has " + (end - position));
    }
  }
}
