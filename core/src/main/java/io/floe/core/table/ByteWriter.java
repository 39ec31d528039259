package io.floe.core.table;

import java.util.Arrays;

/** A growable byte buffer with the primitive encodings of spec.md §3 and §4. */
final class ByteWriter {
  private byte[] buffer;
  private int size;

  ByteWriter(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  void reset() {
    size = 0;
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  void writeByte(int b) {
    ensure(1);
    buffer[size++] = (byte) b;
  }

  /** Unsigned LEB128. */
  void writeUVarint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buffer[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
  }

  /** Zig-zag then unsigned LEB128, so small negative numbers stay short. */
  void writeVarint(long value) {
    writeUVarint((value << 1) ^ (value >> 63));
  }

  void writeIntLE(int value) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
  }

  void writeLongLE(long value) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
  }

  void writeIntBE(int value) {
    ensure(4);
    for (int i = 3; i >= 0; i--) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
  }

  void writeLongBE(long value) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
  }

  void writeBytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  /** Sets bit {@code bit} of the byte at {@code position} (already written). */
  void setBit(int position, int bit) {
    buffer[position] |= (byte) (1 << bit);
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }

  static int uvarintSize(long value) {
    int bytes = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      bytes++;
    }
    return bytes;
  }

  static int varintSize(long value) {
    return uvarintSize((value << 1) ^ (value >> 63));
  }
}
