package io.floe.storage.wal;

/**
 * Receives decoded entries without a copy: key and row are ranges of {@code buf}, valid only during
 * the call. The allocation-free path for loading partitions.
 */
@FunctionalInterface
public interface WalEntryVisitor {
  void entry(
      long offset,
      long term,
      long timestamp,
      WalOperation operation,
      byte[] buf,
      int keyOffset,
      int keyLength,
      int rowOffset,
      int rowLength);
}
