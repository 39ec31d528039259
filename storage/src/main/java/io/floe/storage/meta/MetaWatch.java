package io.floe.storage.meta;

/** A running prefix watch. Closing it stops delivery. */
public interface MetaWatch extends AutoCloseable {

  /** The revision of the last event delivered, or the start revision minus one before any. */
  long lastRevision();

  @Override
  void close();
}
