package io.floe.controlplane.ops;

/**
 * How one type of operation runs: the task it starts at, each task's work, and which tasks may be
 * cancelled. Every task is idempotent: a control plane that dies after a task's work and before
 * storing its outcome makes the next leader run it again.
 */
public interface OperationKind {
  OpType type();

  String firstTask();

  /** Runs {@code op}'s current task once. */
  Step run(Operation op);

  /** True when the operation may stop at {@code task} and leave nothing half done. */
  boolean cancellable(String task);
}
