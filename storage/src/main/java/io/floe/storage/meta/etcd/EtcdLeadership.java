package io.floe.storage.meta.etcd;

import io.etcd.jetcd.Election;
import io.etcd.jetcd.election.LeaderKey;
import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership held through a candidate key. It ends when resigned, when the lease behind it is lost,
 * or when the key is deleted by someone else; the last two call the holder's callback.
 */
final class EtcdLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLeadership.class);

  private final String candidate;
  private final LeaderKey key;
  private final Election elections;
  private final EtcdCalls calls;
  private final Runnable onLost;
  private final Executor callbacks;
  private final AtomicBoolean held = new AtomicBoolean(true);
  private volatile MetaWatch keyWatch;

  EtcdLeadership(
      String candidate,
      LeaderKey key,
      Election elections,
      EtcdCalls calls,
      Runnable onLost,
      Executor callbacks) {
    this.candidate = candidate;
    this.key = key;
    this.elections = elections;
    this.calls = calls;
    this.onLost = onLost;
    this.callbacks = callbacks;
  }

  @Override
  public String candidate() {
    return candidate;
  }

  @Override
  public boolean isHeld() {
    return held.get();
  }

  @Override
  public void resign() {
    if (held.compareAndSet(true, false)) {
      stopWatching();
      calls.await(elections.resign(key), "resign " + candidate + " from " + keyName());
    }
  }

  void lost(String why) {
    if (held.compareAndSet(true, false)) {
      stopWatching();
      LOG.warn("{} lost leadership of {}: {}", candidate, keyName(), why);
      callbacks.execute(onLost);
    }
  }

  /** Leadership also ends if the candidate key disappears (revoked lease, manual delete). */
  void watchOwnKey(MetaStore store) {
    String own = keyName();
    keyWatch =
        store.watchPrefix(
            own,
            key.getRevision() + 1,
            new WatchListener() {
              @Override
              public void onEvent(WatchEvent event) {
                if (event.type() == WatchEvent.Type.DELETE && event.entry().key().equals(own)) {
                  lost("its key was deleted");
                }
              }
            });
    if (!held.get()) {
      stopWatching();
    }
  }

  private String keyName() {
    return key.getKey().toString(StandardCharsets.UTF_8);
  }

  private void stopWatching() {
    MetaWatch w = keyWatch;
    if (w != null) {
      w.close();
    }
  }
}
