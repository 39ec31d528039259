package io.floe.storage.wal;

import java.util.List;

/** A whole WAL object, read and verified: its footer and every block in object order. */
public record WalObject(WalFooter footer, List<WalBlock> blocks) {
  public WalObject {
    blocks = List.copyOf(blocks);
  }

  public boolean isSeal() {
    return footer.isSeal();
  }
}
