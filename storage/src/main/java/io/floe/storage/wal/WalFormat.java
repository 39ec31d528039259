package io.floe.storage.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Constants of the WAL object format, version 1 (schemas/spec/wal-object.md). All integers are
 * little-endian.
 */
public final class WalFormat {
  /** "FWAL": first four bytes of the header and last four bytes of the trailer. */
  public static final int MAGIC = 0x4C415746; // 'F','W','A','L' read as a little-endian int

  public static final int VERSION = 1;

  /** The version of an object that holds a {@link WalOperation#PATCH} entry (readers know both). */
  public static final int VERSION_PATCHES = 2;

  /** magic(4) version(2) kind(1) reserved(1). */
  public static final int HEADER_SIZE = 8;

  /** table(8) partition(4) term(8) entry count(4). */
  public static final int BLOCK_HEADER_SIZE = 24;

  /** The CRC32C closing each block. */
  public static final int BLOCK_CRC_SIZE = 4;

  /** offset(8) term(8) timestamp(8) operation(1) key length(4) row length(4). */
  public static final int ENTRY_HEADER_SIZE = 33;

  /** block count(4), then the block index entries. */
  public static final int FOOTER_HEADER_SIZE = 4;

  /**
   * table(8) partition(4) term(8) first(8) last(8) min ts(8) max ts(8) position(8) length(4)
   * entries(4) crc(4).
   */
  public static final int INDEX_ENTRY_SIZE = 72;

  /** footer offset(8) footer length(4) footer crc(4) version(2) kind(1) reserved(1) magic(4). */
  public static final int TRAILER_SIZE = 24;

  /** Smallest well-formed object: a header, an empty footer and the trailer. */
  public static final int MIN_OBJECT_SIZE = HEADER_SIZE + FOOTER_HEADER_SIZE + TRAILER_SIZE;

  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private WalFormat() {}

  static long getLong(byte[] b, int at) {
    return (long) LONG.get(b, at);
  }

  static int getInt(byte[] b, int at) {
    return (int) INT.get(b, at);
  }

  static int getShort(byte[] b, int at) {
    return Short.toUnsignedInt((short) SHORT.get(b, at));
  }

  static void putLong(byte[] b, int at, long v) {
    LONG.set(b, at, v);
  }

  static void putInt(byte[] b, int at, int v) {
    INT.set(b, at, v);
  }

  static void putShort(byte[] b, int at, int v) {
    SHORT.set(b, at, (short) v);
  }
}
