package io.floe.storage.wal;

/** What a WAL entry does to its key. The code is the byte stored in the WAL object. */
public enum WalOperation {
  PUT((byte) 1),
  DELETE((byte) 2);

  private static final WalOperation[] BY_CODE = {null, PUT, DELETE};

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
