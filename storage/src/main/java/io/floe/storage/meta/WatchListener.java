package io.floe.storage.meta;

/**
 * Receives the changes under a watched prefix, one at a time, in revision order, each exactly once,
 * across disconnects and etcd restarts.
 */
public interface WatchListener {

  void onEvent(WatchEvent event);

  /**
   * The watch ended and will deliver nothing more: a {@link WatchCompactedException} when the
   * history it needed is gone (re-read, then watch again), another {@link MetaStoreException}
   * otherwise.
   */
  default void onTerminated(MetaStoreException cause) {}
}
