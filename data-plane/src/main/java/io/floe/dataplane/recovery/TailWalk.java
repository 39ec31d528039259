package io.floe.dataplane.recovery;

import io.floe.dataplane.wal.WalShipper;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObjectWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one stream a manifest's tail pointer names, in sequence order from its next sequence,
 * up to the first missing sequence or a seal. A stream that is not this incarnation's own is sealed
 * at its first missing sequence, so its writer (dead or deposed) can never add to it; a seal lost
 * to an object that appeared meanwhile means the walk goes on with that object.
 *
 * <p>The next few sequences are fetched ahead in parallel, consumed strictly in order. The window
 * starts at one and doubles with each object found (up to {@link #WINDOW}): most tails are short or
 * empty, and each fetch past a stream's end is a wasted GET.
 */
final class TailWalk {
  private static final Logger LOG = LoggerFactory.getLogger(TailWalk.class);

  /** Sequences fetched ahead of the one being applied, at most. */
  static final int WINDOW = 8;

  private final WalObjectWriter writer;
  private final LogReplayer replayer;
  private final String ownNode;
  private final long ownIncarnation;
  private final boolean sealForeign;
  private int objectsRead;
  private long lastSeqRead;

  /**
   * @param sealForeign seal a stream that is not this incarnation's at its end (a leader taking
   *     over); a follower filling itself only reads up to the end (replication.md §6.2)
   */
  TailWalk(
      ObjectStore store,
      LogReplayer replayer,
      String ownNode,
      long ownIncarnation,
      boolean sealForeign) {
    this.writer = new WalObjectWriter(store);
    this.replayer = replayer;
    this.ownNode = ownNode;
    this.ownIncarnation = ownIncarnation;
    this.sealForeign = sealForeign;
  }

  /** The last sequence read that held an object (0: none). */
  long lastSeqRead() {
    return lastSeqRead;
  }

  int objectsRead() {
    return objectsRead;
  }

  /** Replays this partition's entries of the stream; returns the ranges read. */
  List<WalRange> walk(TailPointer tail) {
    return walk(tail, -1);
  }

  /**
   * Like {@link #walk(TailPointer)}, but when {@code lastSeq} ≥ 0 the stream ends after that
   * sequence and is not sealed: the old leader of a cooperative hand-over named it (replication.md
   * §7.3) and keeps writing its other partitions' entries after it.
   */
  List<WalRange> walk(TailPointer tail, long lastSeq) {
    if (lastSeq >= 0) {
      return walkTo(tail, lastSeq);
    }
    boolean own = tail.node().equals(ownNode) && tail.incarnation() == ownIncarnation;
    List<WalRange> ranges = new ArrayList<>();
    Deque<CompletableFuture<WalFetcher.Fetched>> ahead = new ArrayDeque<>();
    long nextToFetch = tail.nextSeq();
    int window = 1;
    for (long seq = tail.nextSeq(); ; seq++) {
      while (ahead.size() < window) {
        String key = WalKeys.objectKey(tail.node(), tail.incarnation(), nextToFetch++);
        ahead.add(replayer.fetcher().fetch(key, block -> true));
      }
      WalFetcher.Fetched fetched = LogReplayer.join(ahead.poll());
      if (fetched.isMissing()) {
        if (own || !sealForeign || seal(fetched.key())) {
          return ranges;
        }
        // the sequence appeared while we sealed: read it, and fetch ahead again after it
        ahead.clear();
        nextToFetch = seq;
        seq--;
        continue;
      }
      if (fetched.footer().isSeal()) {
        return ranges;
      }
      objectsRead++;
      lastSeqRead = seq;
      window = Math.min(WINDOW, window * 2);
      for (WalFetcher.Block block : fetched.blocks()) {
        replayer.apply(block);
        ranges.add(WalShipper.rangeOf(fetched.key(), block.index()));
      }
    }
  }

  private List<WalRange> walkTo(TailPointer tail, long lastSeq) {
    List<WalRange> ranges = new ArrayList<>();
    for (long seq = tail.nextSeq(); seq <= lastSeq; seq++) {
      String key = WalKeys.objectKey(tail.node(), tail.incarnation(), seq);
      WalFetcher.Fetched fetched = LogReplayer.join(replayer.fetcher().fetch(key, block -> true));
      if (fetched.isMissing()) {
        throw new IllegalStateException(
            "hand-over named sequence " + lastSeq + " but " + key + " is not in the store");
      }
      if (fetched.footer().isSeal()) {
        return ranges;
      }
      objectsRead++;
      lastSeqRead = seq;
      for (WalFetcher.Block block : fetched.blocks()) {
        replayer.apply(block);
        ranges.add(WalShipper.rangeOf(fetched.key(), block.index()));
      }
    }
    return ranges;
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
