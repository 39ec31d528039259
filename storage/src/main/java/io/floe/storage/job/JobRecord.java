package io.floe.storage.job;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup or restore job and where it stands (spec.md §11). A job never hangs silently: it has a
 * deadline, and a job that ends {@code CANCELLED} says why.
 */
public record JobRecord(
    String jobId,
    JobType type,
    String db,
    String label,
    JobState state,
    long createdMs,
    long updatedMs,
    long deadlineMs,
    long tasksDone,
    long tasksTotal,
    List<TaskError> taskErrors,
    Optional<String> reason) {

  public JobRecord {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(state, "state");
    taskErrors = List.copyOf(taskErrors);
    Objects.requireNonNull(reason, "reason");
    if (!type.states().contains(state)) {
      throw new IllegalArgumentException(type + " job cannot be in state " + state);
    }
    if (state == JobState.CANCELLED && reason.isEmpty()) {
      throw new IllegalArgumentException("a cancelled job needs a reason");
    }
  }

  /** One task's failure, kept visible on the job. */
  public record TaskError(String task, String error) {}
}
