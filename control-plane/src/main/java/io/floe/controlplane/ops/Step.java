package io.floe.controlplane.ops;

import java.time.Duration;

/**
 * What one task of an operation concluded; the engine stores it before the next task runs, except a
 * {@link #then} step.
 */
public sealed interface Step {
  /**
   * Go on with {@code task}, with the operation as changed (params it decided); {@code store} false
   * runs it at once without storing the operation first.
   */
  record Next(String task, Operation op, boolean store) implements Step {}

  /** The same task again after {@code delay}; {@code why} is shown as the operation's reason. */
  record Retry(Duration delay, String why) implements Step {}

  record Done(String why) implements Step {}

  record Failed(String why) implements Step {}

  static Step next(String task, Operation op) {
    return new Next(task, op, true);
  }

  /**
   * Go on with {@code task} at once, storing nothing: for a step on the time-critical path whose
   * task may be run again from the last stored one with the same outcome (a leader that dies
   * between the two resumes there). The next stored step stores what was decided here.
   */
  static Step then(String task, Operation op) {
    return new Next(task, op, false);
  }

  static Step retry(Duration delay, String why) {
    return new Retry(delay, why);
  }

  static Step done() {
    return new Done(null);
  }

  static Step failed(String why) {
    return new Failed(why);
  }
}
