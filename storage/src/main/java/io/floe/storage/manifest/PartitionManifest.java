package io.floe.storage.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable version of a partition's durable state (spec.md §8): the snapshots retained, the
 * WAL ranges after the newest one, the term history and where the WAL tail continues. Loading a
 * partition reads exactly this, one snapshot, these ranges and one tail stream.
 */
public record PartitionManifest(
    long tableId,
    int partitionId,
    long version,
    int schemaId,
    List<SnapshotRef> snapshots,
    List<WalRange> walRanges,
    List<TermStart> termHistory,
    Optional<TailPointer> tail) {

  public PartitionManifest {
    snapshots = List.copyOf(Objects.requireNonNull(snapshots, "snapshots"));
    walRanges = List.copyOf(Objects.requireNonNull(walRanges, "walRanges"));
    termHistory = List.copyOf(Objects.requireNonNull(termHistory, "termHistory"));
    Objects.requireNonNull(tail, "tail");
  }

  /** The newest retained snapshot, if any. */
  public Optional<SnapshotRef> latestSnapshot() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** The highest offset this manifest makes durable (0 when empty). */
  public long lastOffset() {
    if (!walRanges.isEmpty()) {
      return walRanges.get(walRanges.size() - 1).lastOffset();
    }
    return latestSnapshot().map(SnapshotRef::offset).orElse(0L);
  }

  /** A retained snapshot: the partition's rows exactly as of {@code offset}. */
  public record SnapshotRef(
      long offset, long term, List<String> objectKeys, long rowCount, long sizeBytes) {
    public SnapshotRef {
      objectKeys = List.copyOf(Objects.requireNonNull(objectKeys, "objectKeys"));
    }
  }

  /** Entries {@code firstOffset..lastOffset} of one term, at a byte range of one WAL object. */
  public record WalRange(
      String objectKey,
      long byteOffset,
      long byteLength,
      long firstOffset,
      long lastOffset,
      long minTimestampUs,
      long maxTimestampUs,
      long term) {
    public WalRange {
      Objects.requireNonNull(objectKey, "objectKey");
    }
  }

  /** A term began at {@code startOffset} with {@code leader} as leader. */
  public record TermStart(long term, String leader, long startOffset) {
    public TermStart {
      Objects.requireNonNull(leader, "leader");
    }
  }

  /** The one WAL stream where entries after this manifest may be: read it from {@code nextSeq}. */
  public record TailPointer(String node, long incarnation, long nextSeq) {
    public TailPointer {
      Objects.requireNonNull(node, "node");
    }
  }
}
