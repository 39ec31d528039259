package io.floe.storage.meta;

/** Leadership won in a {@link LeaderElection}; it lasts until resigned or its lease is lost. */
public interface Leadership {

  String candidate();

  /** False once resigned or lost. */
  boolean isHeld();

  /** Gives leadership up so another candidate can win at once. */
  void resign();
}
