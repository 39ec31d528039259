package io.floe.loadtests.chaos;

/** How an op ended, as far as its client can tell. */
public enum Outcome {
  /** Acknowledged: the op took effect between its invocation and its completion. */
  OK,
  /** Refused by the server: the op definitely took no effect. */
  FAILED,
  /**
   * Timed out, connection lost or never answered: the op may take effect at any time after its
   * invocation, even after its client gave up.
   */
  UNKNOWN
}
