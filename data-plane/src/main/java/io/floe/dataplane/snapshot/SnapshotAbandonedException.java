package io.floe.dataplane.snapshot;

/**
 * A snapshot was written but not committed: the partition stopped being led here (a new term, a
 * lost lease, another node's manifest) while it was written. Nothing is wrong; the file is left for
 * garbage collection.
 */
public final class SnapshotAbandonedException extends RuntimeException {
  public SnapshotAbandonedException(String message) {
    super(message);
  }
}
