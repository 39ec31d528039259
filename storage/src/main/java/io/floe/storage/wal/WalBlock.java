package io.floe.storage.wal;

import java.util.List;

/** One verified block: its index entry and its entries in offset order. */
public record WalBlock(WalBlockIndex index, List<WalEntry> entries) {
  public WalBlock {
    entries = List.copyOf(entries);
  }
}
