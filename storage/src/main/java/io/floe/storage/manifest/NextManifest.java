package io.floe.storage.manifest;

import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.TermStart;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one way to build the next version of a partition manifest (spec.md §8, recovery.md §3–§5),
 * shared by the loader (a node starts leading) and the snapshotter (snapshots and checkpoints).
 * Both hand it WAL ranges that may already be covered — a tail walk reads blocks a snapshot already
 * holds, a shipped log may name a block the manifest lists — and it keeps exactly the ranges after
 * the newest snapshot, each once, contiguous. What it returns passes the same check every reader
 * applies ({@link PartitionManifestParser#check}); a manifest that would not load is never
 * committed.
 */
public final class NextManifest {
  private NextManifest() {}

  /** Version 0 of a partition that has no manifest yet: no snapshot, no range, no tail. */
  public static PartitionManifest empty(long tableId, int partitionId, int schemaId) {
    return new PartitionManifest(
        tableId, partitionId, 0, schemaId, List.of(), List.of(), List.of(), Optional.empty());
  }

  /**
   * After a load: the base's ranges plus those read from the tail stream, {@code term} recorded as
   * starting at {@code nextOffset} when it is newer than the history's last, and the tail moved to
   * the loader's own stream.
   */
  public static PartitionManifest afterLoad(
      PartitionManifest base,
      int schemaId,
      List<WalRange> tailRanges,
      long term,
      String leader,
      long nextOffset,
      TailPointer ownTail) {
    List<WalRange> ranges = new ArrayList<>(base.walRanges());
    ranges.addAll(tailRanges);
    List<TermStart> terms = new ArrayList<>(base.termHistory());
    long lastTerm = terms.isEmpty() ? 0 : terms.get(terms.size() - 1).term();
    if (term > lastTerm) {
      terms.add(new TermStart(term, leader, nextOffset));
    }
    return build(base, schemaId, base.snapshots(), ranges, terms, ownTail);
  }

  /**
   * After a snapshot: {@code snapshot} appended, the ranges after it (from the base and from what
   * the node shipped since), and the tail at the node's stream where those shipped ranges end.
   */
  public static PartitionManifest afterSnapshot(
      PartitionManifest base,
      int schemaId,
      SnapshotRef snapshot,
      List<WalRange> shipped,
      TailPointer ownTail) {
    List<SnapshotRef> snapshots = new ArrayList<>(base.snapshots());
    snapshots.add(snapshot);
    List<WalRange> ranges = new ArrayList<>(base.walRanges());
    ranges.addAll(shipped);
    return build(base, schemaId, snapshots, ranges, base.termHistory(), ownTail);
  }

  /**
   * A checkpoint (recovery.md §5): the ranges shipped since the base appended and the tail moved
   * past them, so that the next leader's tail walk starts there; snapshots and term history as in
   * the base.
   */
  public static PartitionManifest afterCheckpoint(
      PartitionManifest base, int schemaId, List<WalRange> shipped, TailPointer ownTail) {
    List<WalRange> ranges = new ArrayList<>(base.walRanges());
    ranges.addAll(shipped);
    return build(base, schemaId, base.snapshots(), ranges, base.termHistory(), ownTail);
  }

  private static PartitionManifest build(
      PartitionManifest base,
      int schemaId,
      List<SnapshotRef> snapshots,
      List<WalRange> candidates,
      List<TermStart> terms,
      TailPointer tail) {
    long snapshotOffset = snapshots.isEmpty() ? 0 : snapshots.get(snapshots.size() - 1).offset();
    PartitionManifest next =
        new PartitionManifest(
            base.tableId(),
            base.partitionId(),
            base.version() + 1,
            schemaId,
            snapshots,
            rangesAfter(snapshotOffset, candidates),
            terms,
            Optional.of(tail));
    try {
      PartitionManifestParser.check(next);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "refusing to commit manifest "
              + next.version()
              + " of partition "
              + base.tableId()
              + "/"
              + base.partitionId()
              + ": "
              + e.getMessage(),
          e);
    }
    return next;
  }

  /**
   * The ranges holding entries after {@code snapshotOffset}, in offset order, each block once:
   * ranges wholly covered by the snapshot (or by ranges before them) are dropped.
   */
  static List<WalRange> rangesAfter(long snapshotOffset, List<WalRange> candidates) {
    List<WalRange> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long covered = snapshotOffset;
    for (WalRange r : candidates) {
      if (r.lastOffset() <= covered || !seen.add(r.objectKey() + "@" + r.byteOffset())) {
        continue;
      }
      kept.add(r);
      covered = r.lastOffset();
    }
    return kept;
  }
}
