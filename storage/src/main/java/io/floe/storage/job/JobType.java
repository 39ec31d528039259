package io.floe.storage.job;

import java.util.EnumSet;
import java.util.Set;

/** Backup or restore, each with its own state machine (DESIGN.md §10). */
public enum JobType {
  BACKUP(
      EnumSet.of(
          JobState.PENDING,
          JobState.SNAPSHOTTING,
          JobState.UPLOADING,
          JobState.SAVE_META,
          JobState.UPLOAD_INFO,
          JobState.FINISHED,
          JobState.CANCELLED)),
  RESTORE(
      EnumSet.of(
          JobState.PENDING,
          JobState.DOWNLOADING,
          JobState.COMMITTING,
          JobState.FINISHED,
          JobState.CANCELLED));

  private final Set<JobState> states;

  JobType(Set<JobState> states) {
    this.states = states;
  }

  /** The states a job of this type may be in. */
  public Set<JobState> states() {
    return states;
  }
}
