package io.floe.storage.wal;

/**
 * What a WAL object is: a flush of entries, or the seal (tombstone) that ends a node's stream. The
 * code is the byte stored in the object's header and trailer.
 */
public enum WalObjectKind {
  DATA((byte) 1),
  SEAL((byte) 2);

  private final byte code;

  WalObjectKind(byte code) {
    this.code = code;
  }

  public byte code() {
    return code;
  }

  /** The kind of a stored code, or null when the code is unknown. */
  static WalObjectKind ofCode(int code) {
    return switch (code) {
      case 1 -> DATA;
      case 2 -> SEAL;
      default -> null;
    };
  }
}
