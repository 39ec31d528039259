package io.floe.storage.wal;

import java.util.Arrays;
import java.util.Objects;

/**
 * One logged write of a partition. {@code key} and {@code row} are the bytes of the key and row
 * codecs, opaque to the WAL; a {@link WalOperation#DELETE} has an empty row. The arrays are not
 * copied: callers must not mutate them after handing them over.
 */
public record WalEntry(
    long offset, long term, long timestamp, WalOperation operation, byte[] key, byte[] row) {

  private static final byte[] EMPTY = new byte[0];

  public WalEntry {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(key, "key");
    row = row == null ? EMPTY : row;
    if (operation == WalOperation.DELETE && row.length != 0) {
      throw new IllegalArgumentException("a delete carries no row bytes (offset " + offset + ")");
    }
  }

  public static WalEntry put(long offset, long term, long timestamp, byte[] key, byte[] row) {
    return new WalEntry(offset, term, timestamp, WalOperation.PUT, key, row);
  }

  public static WalEntry delete(long offset, long term, long timestamp, byte[] key) {
    return new WalEntry(offset, term, timestamp, WalOperation.DELETE, key, EMPTY);
  }

  /** Bytes this entry takes in a WAL block. */
  public int encodedSize() {
    return WalFormat.ENTRY_HEADER_SIZE + key.length + row.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalEntry e
        && offset == e.offset
        && term == e.term
        && timestamp == e.timestamp
        && operation == e.operation
        && Arrays.equals(key, e.key)
        && Arrays.equals(row, e.row);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, term, timestamp, operation, Arrays.hashCode(key))
        + 31 * Arrays.hashCode(row);
  }

  @Override
  public String toString() {
    return "WalEntry[offset=%d, term=%d, ts=%d, %s, key=%d bytes, row=%d bytes]"
        .formatted(offset, term, timestamp, operation, key.length, row.length);
  }
}
