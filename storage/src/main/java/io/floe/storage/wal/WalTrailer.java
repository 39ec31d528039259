package io.floe.storage.wal;

/** The fixed-size end of a WAL object: where its footer lies, and the object's size. */
record WalTrailer(
    WalObjectKind kind, long footerOffset, int footerLength, int footerChecksum, long objectSize) {

  /** Position of the trailer itself. */
  long position() {
    return objectSize - WalFormat.TRAILER_SIZE;
  }
}
