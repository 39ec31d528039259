package io.floe.dataplane.recovery;

import io.floe.core.manifest.PartitionManifest.TailPointer;
import io.floe.core.manifest.PartitionManifest.WalRange;
import io.floe.core.storage.ObjectAlreadyExistsException;
import io.floe.core.storage.ObjectNotFoundException;
import io.floe.core.storage.ObjectStore;
import io.floe.core.wal.WalBlockIndex;
import io.floe.core.wal.WalFooter;
import io.floe.core.wal.WalKeys;
import io.floe.core.wal.WalObjectWriter;
import io.floe.dataplane.wal.WalShipper;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one stream a manifest's tail pointer names, in sequence order from its next sequence,
 * up to the first missing sequence or a seal. A stream that is not this incarnation's own is sealed
 * at its first missing sequence, so its writer (dead or deposed) can never add to it; a seal lost
 * to an object that appeared meanwhile means the walk goes on with that object.
 */
final class TailWalk {
  private static final Logger LOG = LoggerFactory.getLogger(TailWalk.class);

  private final WalObjectWriter writer;
  private final LogReplayer replayer;
  private final String ownNode;
  private final long ownIncarnation;
  private int objectsRead;

  TailWalk(ObjectStore store, LogReplayer replayer, String ownNode, long ownIncarnation) {
    this.writer = new WalObjectWriter(store);
    this.replayer = replayer;
    this.ownNode = ownNode;
    this.ownIncarnation = ownIncarnation;
  }

  int objectsRead() {
    return objectsRead;
  }

  /** Replays this partition's entries of the stream; returns the ranges read. */
  List<WalRange> walk(TailPointer tail, long tableId, int partitionId) {
    boolean own = tail.node().equals(ownNode) && tail.incarnation() == ownIncarnation;
    List<WalRange> ranges = new ArrayList<>();
    for (long seq = tail.nextSeq(); ; seq++) {
      String key = WalKeys.objectKey(tail.node(), tail.incarnation(), seq);
      WalFooter footer;
      try {
        footer = replayer.reader().readFooter(key);
      } catch (ObjectNotFoundException e) {
        if (own || seal(key)) {
          return ranges;
        }
        seq--; // the sequence appeared while we sealed: read it
        continue;
      }
      if (footer.isSeal()) {
        return ranges;
      }
      objectsRead++;
      for (WalBlockIndex block : footer.blocksOf(tableId, partitionId)) {
        replayer.replay(key, block);
        ranges.add(WalShipper.rangeOf(key, block));
      }
    }
  }

  private boolean seal(String key) {
    try {
      writer.seal(key);
      LOG.info("sealed WAL stream at {}", key);
      return true;
    } catch (ObjectAlreadyExistsException e) {
      return false;
    }
  }
}
