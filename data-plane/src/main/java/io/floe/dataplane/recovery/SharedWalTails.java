package io.floe.dataplane.recovery;

import io.floe.storage.wal.WalObjectReader;
import io.floe.storage.wal.WalObjectReader.Tail;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WAL object tails (footer, and most objects whole) the node's loads read, shared between them.
 * Every WAL object holds the entries of every partition its writer led, so the loads of a node's
 * partitions — twelve at once after a restart — read the same objects: one GET each serves them
 * all, whether the loads ask at the same moment (the read under way is joined) or one after the
 * other (the most recently used tails are kept, up to a byte budget). Only objects found are kept:
 * WAL objects are never rewritten, while a missing one may appear (or be sealed) at any moment.
 */
final class SharedWalTails {
  private final WalObjectReader reader;
  private final long budgetBytes;
  private final ConcurrentHashMap<String, CompletableFuture<Tail>> reading =
      new ConcurrentHashMap<>();
  private final LinkedHashMap<String, Tail> kept = new LinkedHashMap<>(64, 0.75f, true);
  private long keptBytes;
  private final LongAdder reads = new LongAdder();
  private final LongAdder shared = new LongAdder();

  /**
   * @param budgetBytes how many bytes of tails to keep at most (0: keep none, share only reads
   *     under way)
   */
  SharedWalTails(WalObjectReader reader, long budgetBytes) {
    this.reader = reader;
    this.budgetBytes = budgetBytes;
  }

  WalObjectReader reader() {
    return reader;
  }

  /**
   * The tail of {@code key}, read from the store only when no load has it or is reading it.
   *
   * @throws io.floe.storage.object.ObjectNotFoundException when the object does not exist
   */
  Tail read(String key) {
    Tail known;
    synchronized (kept) {
      known = kept.get(key);
    }
    if (known != null) {
      shared.increment();
      return known;
    }
    CompletableFuture<Tail> mine = new CompletableFuture<>();
    CompletableFuture<Tail> underWay = reading.putIfAbsent(key, mine);
    if (underWay != null) {
      shared.increment();
      return LogReplayer.join(underWay);
    }
    try {
      reads.increment();
      Tail tail = reader.readTail(key);
      keep(key, tail);
      mine.complete(tail);
      return tail;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      reading.remove(key, mine);
    }
  }

  private void keep(String key, Tail tail) {
    long size = tail.bytes().length;
    if (size > budgetBytes) {
      return;
    }
    synchronized (kept) {
      Tail before = kept.put(key, tail);
      keptBytes += size - (before == null ? 0 : before.bytes().length);
      Iterator<Map.Entry<String, Tail>> oldest = kept.entrySet().iterator();
      while (keptBytes > budgetBytes && oldest.hasNext()) {
        keptBytes -= oldest.next().getValue().bytes().length;
        oldest.remove();
      }
    }
  }

  /**
   * Drops what is kept of {@code key}: one of its blocks proved corrupt, and the next load must
   * read the object again (an operator may have put a good copy back).
   */
  void forget(String key) {
    synchronized (kept) {
      Tail gone = kept.remove(key);
      if (gone != null) {
        keptBytes -= gone.bytes().length;
      }
    }
  }

  /** Tails read from the store. */
  long reads() {
    return reads.sum();
  }

  /** Tails served from another load's read. */
  long shared() {
    return shared.sum();
  }
}
