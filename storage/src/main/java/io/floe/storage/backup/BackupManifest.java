package io.floe.storage.backup;

import io.floe.core.table.Schema;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one backup holds (spec.md §10), written last: a backup without its manifest does not exist.
 * Every file it names carries its size and SHA-256 so a restore can verify before it commits.
 */
public record BackupManifest(
    String backupId,
    String label,
    String cluster,
    Kind kind,
    Optional<String> parentBackupId,
    long cutTimestampUs,
    long createdMs,
    List<Table> tables) {

  public BackupManifest {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(parentBackupId, "parentBackupId");
    tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
    if ((kind == Kind.INCREMENTAL) != parentBackupId.isPresent()) {
      throw new IllegalArgumentException("an incremental backup, and only one, names its parent");
    }
  }

  /**
   * A full backup holds a snapshot per partition; an incremental only WAL ranges since its parent.
   */
  public enum Kind {
    FULL,
    INCREMENTAL
  }

  /** One backed-up table with the schema its files were written with. */
  public record Table(long tid, String db, String name, Schema schema, List<Partition> partitions) {
    public Table {
      partitions = List.copyOf(partitions);
    }
  }

  /** One partition: a snapshot at the cut (full backups) and WAL ranges. */
  public record Partition(
      int partitionId, Optional<SnapshotFile> snapshot, List<WalFile> walRanges) {
    public Partition {
      Objects.requireNonNull(snapshot, "snapshot");
      walRanges = List.copyOf(walRanges);
    }
  }

  /** A self-contained Parquet file of the partition exactly at {@code offset}. */
  public record SnapshotFile(
      String objectKey, long offset, long rowCount, long sizeBytes, String sha256) {}

  /** WAL entries {@code firstOffset..lastOffset} copied into the repository. */
  public record WalFile(
      String objectKey, long firstOffset, long lastOffset, long sizeBytes, String sha256) {}
}
