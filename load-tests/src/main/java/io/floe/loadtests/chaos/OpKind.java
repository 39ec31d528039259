package io.floe.loadtests.chaos;

/** What a workload client asked of one key. */
public enum OpKind {
  /** Put a value unique across the run, so the value names the one write that produced it. */
  WRITE,
  /** Make the key absent. */
  DELETE,
  /** Read the key's value; absent reads as null. */
  READ
}
