package io.floe.storage.job;

/** Every state of a backup or restore job; {@link JobType#states()} says which apply to which. */
public enum JobState {
  PENDING,
  SNAPSHOTTING,
  UPLOADING,
  SAVE_META,
  UPLOAD_INFO,
  DOWNLOADING,
  COMMITTING,
  FINISHED,
  CANCELLED;

  public boolean isFinal() {
    return this == FINISHED || this == CANCELLED;
  }
}
