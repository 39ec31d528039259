package io.floe.storage.meta.etcd;

import io.etcd.jetcd.Election;
import io.etcd.jetcd.election.LeaderKey;
import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.PrefixRead;
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
  private static final long RECHECK_DELAY_MILLIS = 200;

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
    watchOwnKey(store, key.getRevision() + 1);
  }

  private void watchOwnKey(MetaStore store, long fromRevision) {
    String own = keyName();
    keyWatch =
        store.watchPrefix(
            own,
            fromRevision,
            new WatchListener() {
              @Override
              public void onEvent(WatchEvent event) {
                if (event.type() == WatchEvent.Type.DELETE && event.entry().key().equals(own)) {
                  lost("its key was deleted");
                }
              }

              @Override
              public void onTerminated(MetaStoreException cause) {
                LOG.warn(
                    "watch of {}'s key ended ({}); checking it", candidate, cause.getMessage());
                callbacks.execute(() -> checkAndWatchAgain(store));
              }
            });
    if (!held.get()) {
      stopWatching();
    }
  }

  /**
   * The key's watch ended because etcd compacted the history it needed, so a delete may have gone
   * unseen: leadership is lost if the key is gone, else watched again from now. Tried until it
   * answers; meanwhile a lost lease still ends leadership on its own.
   */
  private void checkAndWatchAgain(MetaStore store) {
    String own = keyName();
    while (held.get()) {
      try {
        PrefixRead read = store.getPrefix(own);
        if (read.entries().stream().noneMatch(e -> e.key().equals(own))) {
          lost("its key was deleted");
        } else {
          watchOwnKey(store, read.revision() + 1);
        }
        return;
      } catch (MetaStoreException e) {
        LOG.debug("reading {}'s key failed, trying again: {}", candidate, e.toString());
        try {
          Thread.sleep(RECHECK_DELAY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
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
