package io.floe.dataplane.partition;

/**
 * One version of a key's row: newest first, linked to the version it replaced while an open view
 * may still need it. {@code row == null} marks a delete.
 */
final class Version {
  /** Object header, fields and the row array's header, on a 64-bit JVM with compressed oops. */
  static final int OVERHEAD = 56;

  final long offset;
  final long timestamp;
  final byte[] row;
  // The row's length, kept here so that sizing a replaced version (every overwrite does) reads
  // only this object and not its row array, a likely cache miss; the field fits in the padding.
  private final int rowLength;
  volatile Version older;

  Version(long offset, long timestamp, byte[] row, Version older) {
    this.offset = offset;
    this.timestamp = timestamp;
    this.row = row;
    this.rowLength = row == null ? 0 : row.length;
    this.older = older;
  }

  boolean deleted() {
    return row == null;
  }

  long bytes() {
    return OVERHEAD + rowLength;
  }

  /** The newest version at or before {@code offset}, or null when the key did not exist then. */
  Version asOf(long offset) {
    Version v = this;
    while (v != null && v.offset > offset) {
      v = v.older;
    }
    return v;
  }
}
