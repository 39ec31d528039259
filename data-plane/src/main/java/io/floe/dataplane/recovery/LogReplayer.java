package io.floe.dataplane.recovery;

import io.floe.core.format.CorruptObjectException;
import io.floe.core.manifest.PartitionManifest.WalRange;
import io.floe.core.storage.ObjectStore;
import io.floe.core.wal.WalBlockIndex;
import io.floe.core.wal.WalFooter;
import io.floe.core.wal.WalObjectReader;
import io.floe.core.wal.WalOperation;
import io.floe.dataplane.partition.Partition;
import java.util.Arrays;
import java.util.List;

/**
 * Replays WAL blocks into a loading partition: each block is verified whole (CRC) before any of its
 * entries applies, and only entries after the partition's offset apply, in order.
 */
final class LogReplayer {
  private final WalObjectReader reader;
  private final Partition partition;

  LogReplayer(ObjectStore store, Partition partition) {
    this.reader = new WalObjectReader(store);
    this.partition = partition;
  }

  WalObjectReader reader() {
    return reader;
  }

  /** Replays a manifest's ranges: one footer read per object, one ranged GET per block. */
  void replayRanges(List<WalRange> ranges) {
    String footerKey = null;
    WalFooter footer = null;
    for (WalRange range : ranges) {
      if (range.lastOffset() <= partition.offset()) {
        continue;
      }
      if (!range.objectKey().equals(footerKey)) {
        footer = reader.readFooter(range.objectKey());
        footerKey = range.objectKey();
      }
      replay(range.objectKey(), blockAt(footer, range));
    }
  }

  void replay(String key, WalBlockIndex block) {
    if (block.lastOffset() <= partition.offset()) {
      return;
    }
    reader.visitBlock(
        key,
        block,
        (offset, term, ts, op, buf, keyOff, keyLen, rowOff, rowLen) -> {
          if (offset > partition.offset()) {
            byte[] k = Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
            byte[] row =
                op == WalOperation.DELETE ? null : Arrays.copyOfRange(buf, rowOff, rowOff + rowLen);
            if (offset != partition.offset() + 1) {
              throw new CorruptObjectException(
                  key, block.position(), "offset " + offset + " after " + partition.offset());
            }
            partition.replay(offset, ts, k, row);
          }
        });
  }

  private WalBlockIndex blockAt(WalFooter footer, WalRange range) {
    for (WalBlockIndex b : footer.blocks()) {
      if (b.position() == range.byteOffset() && b.length() == range.byteLength()) {
        return b;
      }
    }
    throw new CorruptObjectException(
        range.objectKey(),
        range.byteOffset(),
        "the manifest names a block of "
            + range.byteLength()
            + " bytes here that the object's footer does not list");
  }
}
