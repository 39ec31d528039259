package io.floe.controlplane.ops;

import java.time.Duration;

/** What one task of an operation concluded; the engine stores it before the next task runs. */
public sealed interface Step {
  /** Go on with {@code task}, with the operation as changed (params it decided). */
  record Next(String task, Operation op) implements Step {}

  /** The same task again after {@code delay}; {@code why} is shown as the operation's reason. */
  record Retry(Duration delay, String why) implements Step {}

  record Done(String why) implements Step {}

  record Failed(String why) implements Step {}

  static Step next(String task, Operation op) {
    return new Next(task, op);
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
