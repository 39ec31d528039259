package io.floe.storage.meta.etcd;

import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an observer who leads an election, now and after each change. Each change of the candidate
 * keys triggers a re-read of the leader on the observer's own thread (so a slow read never blocks
 * the watch); a failed re-read is tried again shortly, since it is an idempotent read. A watch that
 * etcd ends because it compacted the history the watch needed is started again from the current
 * revision, followed by a re-read, so no change of leader goes unreported.
 */
final class LeaderObserver implements MetaWatch {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderObserver.class);
  private static final long REREAD_DELAY_MILLIS = 200;

  private final EtcdLeaderElection election;
  private final MetaStore store;
  private final String candidatesPrefix;
  private final Consumer<Optional<String>> onChange;
  private final ScheduledExecutorService thread;
  private volatile MetaWatch watch;
  private Optional<String> lastSeen;
  private volatile boolean closed;

  private LeaderObserver(
      EtcdLeaderElection election,
      MetaStore store,
      String candidatesPrefix,
      Consumer<Optional<String>> onChange) {
    this.election = election;
    this.store = store;
    this.candidatesPrefix = candidatesPrefix;
    this.onChange = onChange;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "floe-leader-observer");
              t.setDaemon(true);
              return t;
            });
  }

  static LeaderObserver start(
      EtcdLeaderElection election,
      MetaStore store,
      String candidatesPrefix,
      Consumer<Optional<String>> onChange) {
    LeaderObserver observer = new LeaderObserver(election, store, candidatesPrefix, onChange);
    observer.watchFrom(store.getPrefix(candidatesPrefix).revision() + 1);
    observer.thread.execute(observer::reread);
    return observer;
  }

  private void watchFrom(long revision) {
    watch =
        store.watchPrefix(
            candidatesPrefix,
            revision,
            new WatchListener() {
              @Override
              public void onEvent(WatchEvent event) {
                thread.execute(LeaderObserver.this::reread);
              }

              @Override
              public void onTerminated(MetaStoreException cause) {
                LOG.warn(
                    "leader observation of {} ended ({}); watching again",
                    candidatesPrefix,
                    cause.getMessage());
                thread.execute(LeaderObserver.this::watchAgain);
              }
            });
    if (closed) {
      watch.close();
    }
  }

  /** After the watch ended (etcd compacted history behind it): watch from now and re-read. */
  private void watchAgain() {
    if (closed) {
      return;
    }
    try {
      watchFrom(store.getPrefix(candidatesPrefix).revision() + 1);
      reread();
    } catch (MetaStoreException e) {
      LOG.debug("watching {} again failed, trying again: {}", candidatesPrefix, e.toString());
      thread.schedule(this::watchAgain, REREAD_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public long lastRevision() {
    return watch.lastRevision();
  }

  @Override
  public void close() {
    closed = true;
    watch.close();
    thread.shutdownNow();
  }

  private void reread() {
    if (closed) {
      return;
    }
    try {
      Optional<String> leader = election.leader();
      if (!Objects.equals(leader, lastSeen)) {
        lastSeen = leader;
        onChange.accept(leader);
      }
    } catch (MetaStoreException e) {
      LOG.debug("re-reading the leader failed, trying again: {}", e.toString());
      thread.schedule(this::reread, REREAD_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
