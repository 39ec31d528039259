package io.floe.storage.meta.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStoreException;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.WatchCompactedException;
import io.floe.storage.meta.WatchEvent;
import io.floe.storage.meta.WatchListener;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prefix watch that survives disconnects and etcd restarts. It remembers the next revision it
 * needs; on any error it drops jetcd's watcher (whose own resume can restart from the creation
 * revision and skip history) and watches again from exactly that revision, dropping anything older,
 * so each event is delivered once and in order.
 *
 * <p>It asks for etcd's progress notifications: a watch that has sent every event up to the current
 * revision gets that revision now and then (every {@code
 * --experimental-watch-progress-notify-interval}), in order with its events, and moves its next
 * revision there. A watch on a quiet prefix thus resumes from a recent revision rather than the one
 * it started at, and survives etcd compacting history behind it. Only a disconnect longer than the
 * compaction retention ends it as compacted ({@link WatchListener#onTerminated}); the caller then
 * reads again. (Progress requested by the client is not used: etcd 3.4 may answer one before events
 * of lower revisions.)
 */
final class ResumingWatch implements MetaWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ResumingWatch.class);
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 1000;

  private final Watch watches;
  private final ScheduledExecutorService scheduler;
  private final String prefix;
  private final WatchListener listener;
  private long nextRevision;
  private long backoffMillis = FIRST_BACKOFF_MILLIS;
  private int generation;
  private boolean closed;
  private Watch.Watcher current;

  ResumingWatch(
      Watch watches,
      ScheduledExecutorService scheduler,
      String prefix,
      long fromRevision,
      WatchListener listener) {
    if (fromRevision < 1) {
      throw new IllegalArgumentException("a watch starts at revision 1 or later: " + fromRevision);
    }
    this.watches = watches;
    this.scheduler = scheduler;
    this.prefix = prefix;
    this.listener = listener;
    this.nextRevision = fromRevision;
  }

  synchronized void start() {
    if (closed) {
      return;
    }
    int mine = ++generation;
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withRevision(nextRevision)
            .withProgressNotify(true)
            .build();
    current = watches.watch(Bytes.of(prefix), option, new Subscription(mine));
  }

  @Override
  public synchronized long lastRevision() {
    return nextRevision - 1;
  }

  @Override
  public void close() {
    Watch.Watcher toClose;
    synchronized (this) {
      closed = true;
      generation++;
      toClose = current;
      current = null;
    }
    closeQuietly(toClose);
  }

  private synchronized void deliver(int from, WatchResponse response) {
    if (from != generation || closed) {
      return;
    }
    backoffMillis = FIRST_BACKOFF_MILLIS;
    if (response.isProgressNotify()) {
      // every event up to the header's revision has been sent: a resume starts after it
      nextRevision = Math.max(nextRevision, response.getHeader().getRevision() + 1);
      return;
    }
    long floor = nextRevision;
    long last = 0;
    for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
      MetaEntry entry = Bytes.entry(event.getKeyValue());
      if (entry.modRevision() < floor) {
        continue; // already delivered before a resume
      }
      try {
        listener.onEvent(new WatchEvent(type(event), entry));
      } catch (RuntimeException e) {
        LOG.error("watch listener on {} failed at revision {}", prefix, entry.modRevision(), e);
      }
      last = entry.modRevision();
    }
    if (last > 0) {
      nextRevision = last + 1;
    }
  }

  private void failed(int from, Throwable error) {
    Watch.Watcher toClose;
    synchronized (this) {
      if (from != generation || closed) {
        return;
      }
      generation++;
      toClose = current;
      current = null;
      if (error instanceof CompactedException) {
        closed = true;
        long compacted = ((CompactedException) error).getCompactedRevision();
        listener.onTerminated(new WatchCompactedException(prefix, nextRevision, compacted, error));
      } else {
        LOG.debug("watch on {} interrupted at revision {}: {}", prefix, nextRevision, error);
        try {
          scheduler.schedule(this::start, backoffMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException storeClosing) {
          // the store is closing and ends its client's watches: nothing to resume
          closed = true;
        }
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      }
    }
    // Not from inside jetcd's callback: it still uses the watcher after calling us.
    try {
      scheduler.execute(() -> closeQuietly(toClose));
    } catch (RejectedExecutionException storeClosing) {
      // the client closing now closes this watcher too
    }
  }

  private static WatchEvent.Type type(io.etcd.jetcd.watch.WatchEvent event) {
    return event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE
        ? WatchEvent.Type.DELETE
        : WatchEvent.Type.PUT;
  }

  private static void closeQuietly(Watch.Watcher watcher) {
    if (watcher == null) {
      return;
    }
    try {
      watcher.close();
    } catch (RuntimeException e) {
      LOG.debug("closing a watcher failed", e);
    }
  }

  /** jetcd's callbacks for one subscription; stale ones (after a resume) are ignored. */
  private final class Subscription implements Watch.Listener {
    private final int generation;

    Subscription(int generation) {
      this.generation = generation;
    }

    @Override
    public void onNext(WatchResponse response) {
      deliver(generation, response);
    }

    @Override
    public void onError(Throwable error) {
      failed(generation, error);
    }

    @Override
    public void onCompleted() {
      failed(generation, new MetaStoreException("watch stream completed", true, null));
    }
  }
}
