package io.floe.storage.wal;

import java.util.List;

/**
 * The index of a WAL object, read from its tail: its kind, format version, total size and the
 * blocks it holds in object order. A {@link WalObjectKind#SEAL} object has no blocks.
 */
public record WalFooter(
    WalObjectKind kind, int formatVersion, long objectSize, List<WalBlockIndex> blocks) {
  public WalFooter {
    blocks = List.copyOf(blocks);
  }

  public boolean isSeal() {
    return kind == WalObjectKind.SEAL;
  }

  /** The blocks of one table partition, in object order (more than one only across terms). */
  public List<WalBlockIndex> blocksOf(long tableId, int partitionId) {
    return blocks.stream().filter(b -> b.isOf(tableId, partitionId)).toList();
  }
}
