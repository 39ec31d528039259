package io.floe.storage.wal;

/** What a WAL entry does to its key. The code is the byte stored in the WAL object. */
public enum WalOperation {
  PUT((byte) 1),
  DELETE((byte) 2),
  /**
   * A partial update: the row bytes are a row patch (column indexes and their values, {@code
   * wal-object.md} §2.6) to apply to the key's row as of the entry before; format version 2.
   */
  PATCH((byte) 3);

  private static final WalOperation[] BY_CODE = {null, PUT, DELETE, PATCH};

  private final byte code;

  WalOperation(byte code) {
    this.code = code;
  }

  public byte code() {
    return code;
  }

  /** The operation of a stored code, or null when the code is unknown. */
  static WalOperation ofCode(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
