package io.floe.dataplane.recovery;

import io.floe.dataplane.wal.WalShipper;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObjectWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one stream a manifest's tail pointer names, in sequence order from its next sequence,
 * up to the first missing sequence or a seal. A stream that is not this incarnation's own is sealed
 * at its first missing sequence, so its writer (dead or deposed) can never add to it; a seal lost
 * to an object that appeared meanwhile means the walk goes on with that object.
 *
 * <p>A walk that seals (a leader taking over, where every millisecond is unavailability) fetches
 * the next {@link #WINDOW} sequences at once and keeps that many in flight, applying strictly in
 * order: checkpoints (recovery.md §5) keep the tail to about a second of objects, so a handful of
 * GETs past the end are the only waste, and no LIST is needed (a LIST's cost grows with the stream
 * on some stores). A follower's fill (no seal) lists the stream once instead and reads only what it
 * held then: it must not chase a live leader's stream, the leader sends it the rest (replication.md
 * §6.2).
 */
final class TailWalk {
  private static final Logger LOG = LoggerFactory.getLogger(TailWalk.class);

  /** Sequences fetched ahead of the one being applied, at most. */
  static final int WINDOW = 16;

  private final ObjectStore store;
  private final WalObjectWriter writer;
  private final LogReplayer replayer;
  private final String ownNode;
  private final long ownIncarnation;
  private final boolean sealForeign;
  private int objectsRead;
  private long lastSeqRead;
  private boolean sealed;
  private boolean sealedHere;

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
    this.store = store;
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

  /** Whether this walk wrote the seal that ended the stream (not when it was this node's own). */
  boolean sealedHere() {
    return sealedHere;
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
    List<WalRange> ranges = new ArrayList<>();
    if (lastSeq >= 0) {
      long reached = read(tail, tail.nextSeq(), lastSeq + 1, ranges);
      if (reached <= lastSeq && !sealed) {
        throw new IllegalStateException(
            "hand-over named sequence "
                + lastSeq
                + " but "
                + WalKeys.objectKey(tail.node(), tail.incarnation(), reached)
                + " is not in the store");
      }
      return ranges;
    }
    if (!sealForeign) {
      read(tail, tail.nextSeq(), listedEnd(tail), ranges);
      return ranges;
    }
    boolean own = tail.node().equals(ownNode) && tail.incarnation() == ownIncarnation;
    Deque<CompletableFuture<WalFetcher.Fetched>> ahead = new ArrayDeque<>();
    long nextToFetch = tail.nextSeq();
    for (long seq = tail.nextSeq(); ; seq++) {
      while (ahead.size() < WINDOW) {
        String key = WalKeys.objectKey(tail.node(), tail.incarnation(), nextToFetch++);
        ahead.add(replayer.fetcher().fetch(key, block -> true));
      }
      WalFetcher.Fetched fetched = LogReplayer.join(ahead.poll());
      if (fetched.isMissing()) {
        if (own || seal(fetched.key())) {
          ahead.forEach(f -> f.cancel(false));
          return ranges;
        }
        // the sequence appeared while we sealed: read it, and fetch ahead again after it
        ahead.forEach(f -> f.cancel(false));
        ahead.clear();
        nextToFetch = seq;
        seq--;
        continue;
      }
      if (!apply(seq, fetched, ranges)) {
        ahead.forEach(f -> f.cancel(false));
        return ranges;
      }
    }
  }

  /**
   * The first sequence at or after the tail's that the stream does not hold, by one LIST: objects
   * after a gap (a writer's PUT that landed after an earlier one failed for good) are not part of
   * the stream, and neither are other objects under its prefix.
   */
  private long listedEnd(TailPointer tail) {
    String prefix = WalKeys.streamPrefix(tail.node(), tail.incarnation());
    String after =
        tail.nextSeq() > 0
            ? WalKeys.objectKey(tail.node(), tail.incarnation(), tail.nextSeq() - 1)
            : prefix;
    long end = tail.nextSeq();
    try (Stream<ObjectInfo> listed = store.listAfter(prefix, after)) {
      Iterator<ObjectInfo> it = listed.iterator();
      while (it.hasNext()) {
        String key = it.next().key();
        if (!WalKeys.isObjectKey(key)) {
          continue; // not the stream's (WalKeys.isObjectKey)
        }
        long seq = WalKeys.sequenceOf(key);
        if (seq != end) {
          break;
        }
        end++;
      }
    }
    return end;
  }

  /**
   * Fetches sequences {@code [from, to)} in parallel and applies them in order, stopping at a seal
   * or a missing one; returns the sequence after the last one applied.
   */
  private long read(TailPointer tail, long from, long to, List<WalRange> ranges) {
    Deque<CompletableFuture<WalFetcher.Fetched>> ahead = new ArrayDeque<>();
    long nextToFetch = from;
    for (long seq = from; seq < to; seq++) {
      while (ahead.size() < WINDOW && nextToFetch < to) {
        String key = WalKeys.objectKey(tail.node(), tail.incarnation(), nextToFetch++);
        ahead.add(replayer.fetcher().fetch(key, block -> true));
      }
      WalFetcher.Fetched fetched = LogReplayer.join(ahead.poll());
      if (fetched.isMissing() || !apply(seq, fetched, ranges)) {
        ahead.forEach(f -> f.cancel(false));
        return seq;
      }
    }
    return to;
  }

  /** Applies one object's blocks of the partition; false when it is a seal (the stream ended). */
  private boolean apply(long seq, WalFetcher.Fetched fetched, List<WalRange> ranges) {
    if (fetched.footer().isSeal()) {
      sealed = true;
      return false;
    }
    objectsRead++;
    lastSeqRead = seq;
    for (WalFetcher.Block block : fetched.blocks()) {
      replayer.apply(block);
      ranges.add(WalShipper.rangeOf(fetched.key(), block.index()));
    }
    return true;
  }

  private boolean seal(String key) {
    try {
      writer.seal(key);
      sealedHere = true;
      LOG.info("sealed WAL stream at {}", key);
      return true;
    } catch (ObjectAlreadyExistsException e) {
      return false;
    }
  }
}
