package io.floe.dataplane.recovery;

import io.floe.core.format.CorruptObjectException;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.wal.WalBlockIndex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Replays WAL blocks into a {@link ReplayTarget} (a loading partition's buffer, or a replica
 * promoted in place): each block is verified whole (CRC) before any of its entries applies, and
 * only entries after the target's offset apply, in order. A manifest's ranges are fetched ahead,
 * several objects at a time (bounded in count and bytes), while the loading thread reads the
 * snapshot and applies what already arrived.
 */
final class LogReplayer {
  /** Objects fetched ahead of the one being applied, at most. */
  static final int WINDOW_OBJECTS = 8;

  /** Bytes of blocks fetched ahead, at most (one object may exceed it alone). */
  static final long WINDOW_BYTES = 64L << 20;

  private final WalFetcher fetcher;
  private final ReplayTarget target;
  private final Deque<ObjectRanges> waiting = new ArrayDeque<>();
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
  private long inFlightBytes;

  LogReplayer(WalFetcher fetcher, ReplayTarget target) {
    this.fetcher = fetcher;
    this.target = target;
  }

  WalFetcher fetcher() {
    return fetcher;
  }

  /**
   * Starts fetching the ranges a manifest lists (those ending after {@code coveredUpTo}, the
   * snapshot's offset), one fetch per object: its footer and exactly the listed blocks.
   */
  void prefetch(List<WalRange> ranges, long coveredUpTo) {
    for (WalRange range : ranges) {
      if (range.lastOffset() <= coveredUpTo) {
        continue;
      }
      ObjectRanges last = waiting.peekLast();
      if (last != null && last.key.equals(range.objectKey())) {
        last.ranges.add(range);
      } else {
        waiting.add(new ObjectRanges(range.objectKey(), new ArrayList<>(List.of(range))));
      }
    }
    fill();
  }

  /** Applies every prefetched range in manifest order. */
  void replayRanges() {
    while (!inFlight.isEmpty()) {
      InFlight next = inFlight.poll();
      inFlightBytes -= next.object.bytes();
      WalFetcher.Fetched fetched = join(next.future);
      fill();
      if (fetched.isMissing()) {
        throw new CorruptObjectException(
            fetched.key(), 0, "the manifest lists this WAL object but it is not in the store");
      }
      for (WalRange range : next.object.ranges) {
        apply(blockFor(fetched, range));
      }
    }
  }

  /** Applies the entries of one verified block that come after the target's offset. */
  void apply(WalFetcher.Block block) {
    if (block.size() > 0 && block.offset(block.size() - 1) > target.offset()) {
      target.termReached(block.index().term());
    }
    for (int i = 0; i < block.size(); i++) {
      long offset = block.offset(i);
      if (offset <= target.offset()) {
        continue;
      }
      if (offset != target.offset() + 1) {
        throw new CorruptObjectException(
            block.key(),
            block.index().position(),
            "offset " + offset + " after " + target.offset() + " (a gap in the log)");
      }
      target.replay(offset, block.timestamp(i), block.entryKey(i), block.row(i), block.isPatch(i));
    }
  }

  private void fill() {
    while (!waiting.isEmpty()
        && (inFlight.isEmpty()
            || (inFlight.size() < WINDOW_OBJECTS && inFlightBytes < WINDOW_BYTES))) {
      ObjectRanges object = waiting.poll();
      inFlightBytes += object.bytes();
      inFlight.add(new InFlight(object, fetcher.fetch(object.key, object::lists)));
    }
  }

  private static WalFetcher.Block blockFor(WalFetcher.Fetched fetched, WalRange range) {
    for (WalFetcher.Block b : fetched.blocks()) {
      if (b.index().position() == range.byteOffset() && b.index().length() == range.byteLength()) {
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

  /** The result of a fetch, or its failure as thrown on the fetch thread. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The ranges a manifest lists in one object. */
  private record ObjectRanges(String key, List<WalRange> ranges) {
    boolean lists(WalBlockIndex block) {
      for (WalRange r : ranges) {
        if (r.byteOffset() == block.position() && r.byteLength() == block.length()) {
          return true;
        }
      }
      return false;
    }

    long bytes() {
      return ranges.stream().mapToLong(WalRange::byteLength).sum();
    }
  }

  private record InFlight(ObjectRanges object, CompletableFuture<WalFetcher.Fetched> future) {}
}
