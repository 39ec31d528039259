package io.floe.dataplane.wal;

import io.floe.core.protocol.FencedException;
import io.floe.core.retry.Resilience;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.wal.WalBlockIndex;
import io.floe.storage.wal.WalFooter;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObjectDecoder;
import io.floe.storage.wal.WalObjectEncoder;
import io.floe.storage.wal.WalOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one WAL stream (DESIGN.md §5–§6): every applied write of every partition this node
 * leads is gathered here and written as one multiplexed WAL object per flush, at {@code
 * wal/{node}/{incarnation}/{seq}.wal} with dense sequence numbers and create-if-absent.
 *
 * <p>One flusher thread writes one object at a time, so sequence order is append order. A failed
 * put is retried with back-off with the same bytes at the same sequence; a sequence found taken by
 * other bytes (a seal) fences the node for good. Entries not yet in S3 are bounded by {@link
 * WalShipperSettings#maxUnshippedBytes()}: past it {@link #checkAccepting} refuses new writes.
 *
 * <p>The {@link #append} future completes when the entry's object is in S3; {@code memory} tables
 * do not wait for it ({@link AckOnApplySink}).
 */
public final class WalShipper implements WalSink {
  private static final Logger LOG = LoggerFactory.getLogger(WalShipper.class);

  /** The periodic {@code wal-stats} line has its own logger, so it can be switched on alone. */
  private static final Logger STATS = LoggerFactory.getLogger("io.floe.wal-stats");

  private final ObjectStore store;
  private final String node;
  private final long incarnation;
  private final WalShipperSettings settings;
  private final Object lock = new Object();
  private final Map<PartitionKey, PartitionLog> logs = new HashMap<>();
  private final WalObjectEncoder encoder = new WalObjectEncoder(1 << 20);
  private final AtomicLong putRequests = new AtomicLong();
  private final AtomicLong putFailures = new AtomicLong();
  private final AtomicLong objectsWritten = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final Thread flusher;

  private PendingFlush pending = new PendingFlush();
  private long inFlightBytes;
  // pending.bytes + inFlightBytes, written under the lock, read without it by checkAccepting:
  // the I/O threads then take the shared lock once per write (in append), not twice.
  private volatile long unshippedBytes;
  private long nextSeq = 1;
  private long lastFlushNanos = System.nanoTime();
  // Written by the flusher thread only: the stats window and the append-time array the next flush
  // reuses. The window's totals are read by the metrics too.
  private final WalStatsWindow stats = new WalStatsWindow(System.nanoTime());
  private WalEntry[] spareEntries = new WalEntry[1024];
  private long[] spareAppendNanos = new long[1024];
  private volatile boolean closing;
  private final Resilience putRetry;
  // flusher thread only: a failing PUT is logged once, at its first failure and when it lands
  private boolean failingPuts;
  private volatile String fencedBy;
  private final CompletableFuture<String> whenFenced = new CompletableFuture<>();
  // flusher thread only (under the lock): when the stream was last known not sealed
  private long sealCheckedNanos = System.nanoTime();

  /** What {@link #nextBatch} answers when the idle shipper should look for a seal. */
  private static final PendingFlush CHECK_SEAL = new PendingFlush();

  public WalShipper(ObjectStore store, String node, long incarnation, WalShipperSettings settings) {
    this.store = store;
    this.node = node;
    this.incarnation = incarnation;
    this.settings = settings;
    this.putRetry = Resilience.of("wal-put " + node, settings.retry(), e -> true);
    this.flusher = new Thread(this::run, "floe-wal-shipper");
    flusher.setDaemon(true);
    flusher.start();
  }

  public String node() {
    return node;
  }

  public long incarnation() {
    return incarnation;
  }

  @Override
  public void checkAccepting() {
    if (fencedBy != null) {
      throw fenced();
    }
    long unshipped = unshippedBytes;
    if (unshipped >= settings.maxUnshippedBytes()) {
      throw new WalBacklogException(unshipped, settings.maxUnshippedBytes());
    }
  }

  @Override
  public CompletableFuture<Void> append(WalEntry entry) {
    if (fencedBy != null) {
      return CompletableFuture.failedFuture(fenced());
    }
    long size = PendingFlush.sizeOf(entry);
    long now = System.nanoTime();
    synchronized (lock) {
      boolean wasEmpty = pending.isEmpty();
      pending.add(entry, size, now);
      unshippedBytes = pending.bytes + inFlightBytes;
      if (wasEmpty || pending.bytes >= settings.flushBytes()) {
        lock.notifyAll();
      }
      return pending.durable;
    }
  }

  /** The next sequence this stream will write: where a manifest's tail pointer starts. */
  public long nextSeq() {
    synchronized (lock) {
      return nextSeq;
    }
  }

  /** What is durable for a partition since it was last {@link #forget forgotten}. */
  public ShippedLog shippedLog(long tableId, int partitionId) {
    synchronized (lock) {
      PartitionLog log = logs.get(new PartitionKey(tableId, partitionId));
      return log == null
          ? new ShippedLog(List.of(), 0, nextSeq)
          : new ShippedLog(log.ranges, log.bytes, nextSeq);
    }
  }

  /**
   * A snapshot's manifest lists {@code committed}: its ranges leave the partition's log and its
   * bytes no longer count towards the next snapshot.
   */
  public void forget(long tableId, int partitionId, ShippedLog committed) {
    forget(tableId, partitionId, committed, true);
  }

  /** A checkpoint's manifest lists {@code committed}'s ranges: they leave the partition's log. */
  public void checkpointed(long tableId, int partitionId, ShippedLog committed) {
    forget(tableId, partitionId, committed, false);
  }

  /**
   * Drops the ranges a committed manifest lists, by identity rather than count: a snapshot and a
   * checkpoint may each have read the log before the other forgot its part.
   */
  private void forget(long tableId, int partitionId, ShippedLog committed, boolean bytes) {
    synchronized (lock) {
      PartitionLog log = logs.get(new PartitionKey(tableId, partitionId));
      if (log != null) {
        log.ranges.removeAll(new HashSet<>(committed.ranges()));
        if (bytes) {
          log.bytes = Math.max(0, log.bytes - committed.bytes());
        }
      }
    }
  }

  /** S3 PUT requests issued (attempts included): the cost the flush interval bounds. */
  public long putRequests() {
    return putRequests.get();
  }

  /** S3 PUT requests that failed (each retried until the object lands). */
  public long putFailures() {
    return putFailures.get();
  }

  public long objectsWritten() {
    return objectsWritten.get();
  }

  public long bytesWritten() {
    return bytesWritten.get();
  }

  /** Bytes of entries appended and not yet in S3 (bounded by {@code wal.max-unshipped-bytes}). */
  public long unshippedBytes() {
    return unshippedBytes;
  }

  /** The lag of shipped entries from append to durable. */
  public WalLag lag() {
    return stats.lag();
  }

  public boolean isFenced() {
    return fencedBy != null;
  }

  /**
   * Completes, with the key of the sequence found taken, when this stream is found sealed by a
   * newer leader: this incarnation can never ship again, so it can never lead again (the node
   * starts afresh as a new incarnation, {@code DataNode}).
   */
  public CompletableFuture<String> whenFenced() {
    return whenFenced.copy();
  }

  /** Flushes everything appended, then stops (bounded by the close timeout). */
  @Override
  public void close() {
    closing = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    try {
      flusher.join(settings.closeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (flusher.isAlive()) {
      flusher.interrupt();
      LOG.warn("WAL shipper of {}/{} closed with entries not in S3", node, incarnation);
    }
  }

  // ---- the flusher -------------------------------------------------------------------------

  private void run() {
    try {
      PendingFlush batch;
      while ((batch = nextBatch()) != null) {
        if (batch == CHECK_SEAL) {
          checkSeal();
        } else {
          ship(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failPending(new IllegalStateException("WAL shipper stopped"));
    }
  }

  /** Waits for the interval (or the size threshold), then takes the gathered entries. */
  private PendingFlush nextBatch() throws InterruptedException {
    synchronized (lock) {
      while (true) {
        if (fencedBy != null) {
          return null;
        }
        long due = lastFlushNanos + settings.flushInterval().toNanos() - System.nanoTime();
        boolean full = pending.bytes >= settings.flushBytes();
        if (!pending.isEmpty() && (due <= 0 || full || closing)) {
          PendingFlush batch = pending;
          pending = new PendingFlush(spareEntries, spareAppendNanos);
          inFlightBytes = batch.bytes;
          unshippedBytes = inFlightBytes;
          lastFlushNanos = System.nanoTime();
          return batch;
        }
        if (pending.isEmpty() && closing) {
          return null;
        }
        if (pending.isEmpty()) {
          long check =
              sealCheckedNanos + settings.sealCheckInterval().toNanos() - System.nanoTime();
          if (check <= 0) {
            sealCheckedNanos = System.nanoTime();
            return CHECK_SEAL;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, check);
        } else {
          TimeUnit.NANOSECONDS.timedWait(lock, Math.max(due, 1));
        }
      }
    }
  }

  private void ship(PendingFlush batch) throws InterruptedException {
    byte[] object = encode(batch);
    long seq;
    synchronized (lock) {
      seq = nextSeq;
    }
    String key = WalKeys.objectKey(node, incarnation, seq);
    if (!put(key, object)) {
      fence(key, batch);
      return;
    }
    if (failingPuts) {
      failingPuts = false;
      LOG.info("WAL put {} landed; shipping again", key);
    }
    long durableNanos = System.nanoTime();
    WalFooter footer = WalObjectDecoder.decodeFooter(key, object);
    objectsWritten.incrementAndGet();
    bytesWritten.addAndGet(object.length);
    synchronized (lock) {
      record(key, footer);
      nextSeq = seq + 1;
      sealCheckedNanos = durableNanos;
      inFlightBytes = 0;
      unshippedBytes = pending.bytes;
    }
    batch.durable.complete(null);
    recordStats(batch, object.length, durableNanos);
  }

  private void recordStats(PendingFlush batch, int objectBytes, long durableNanos) {
    stats.shipped(objectBytes, batch.appendNanos, batch.entries, durableNanos);
    batch.clearEntries();
    spareEntries = batch.entryArray;
    spareAppendNanos = batch.appendNanos;
    long now = System.nanoTime();
    if (stats.isDue(now, settings.statsInterval().toNanos())) {
      String line = stats.line(now, putRequests.get(), System.currentTimeMillis());
      STATS.info("{} node={}", line, node);
    }
  }

  /**
   * Puts until the object is there (retried through {@link #putRetry}); false when the sequence
   * holds someone else's object.
   */
  private boolean put(String key, byte[] object) throws InterruptedException {
    try {
      return putRetry.call(() -> attemptPut(key, object));
    } catch (RuntimeException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("WAL put " + key + " abandoned at close: " + e);
      }
      throw e;
    }
  }

  /**
   * One create-if-absent; a taken key is read back and compared. Any failure to know is thrown and
   * retried — a WriteOutcomeUnknownException included: the retry's create tells, since an object
   * that did land is found taken and compared.
   */
  private boolean attemptPut(String key, byte[] object) {
    putRequests.incrementAndGet();
    try {
      store.createIfAbsent(key, object);
      return true;
    } catch (ObjectAlreadyExistsException e) {
      return Arrays.equals(store.get(key), object);
    } catch (RuntimeException e) {
      putFailures.incrementAndGet();
      if (!failingPuts) {
        failingPuts = true;
        LOG.warn("WAL put {} failed, retrying until it lands: {}", key, e.toString());
      }
      throw e;
    }
  }

  private byte[] encode(PendingFlush batch) {
    encoder.reset();
    for (List<WalEntry> entries : batch.byPartition().values()) {
      long term = -1;
      for (WalEntry e : entries) {
        if (e.term() != term) {
          if (term >= 0) {
            encoder.endBlock();
          }
          term = e.term();
          encoder.beginBlock(e.tableId(), e.partition(), term);
        }
        byte[] row = e.delete() ? new byte[0] : e.patch() != null ? e.patch() : e.row();
        encoder.append(
            e.offset(),
            e.term(),
            e.timestamp(),
            e.delete()
                ? WalOperation.DELETE
                : e.patch() != null ? WalOperation.PATCH : WalOperation.PUT,
            e.key(),
            0,
            e.key().length,
            row,
            0,
            row.length);
      }
      encoder.endBlock();
    }
    return encoder.finish();
  }

  private void record(String key, WalFooter footer) {
    for (WalBlockIndex b : footer.blocks()) {
      PartitionLog log =
          logs.computeIfAbsent(
              new PartitionKey(b.tableId(), b.partitionId()), k -> new PartitionLog());
      log.ranges.add(rangeOf(key, b));
      log.bytes += b.length();
    }
  }

  /** The manifest range of one block of a WAL object. */
  public static WalRange rangeOf(String key, WalBlockIndex b) {
    return new WalRange(
        key,
        b.position(),
        b.length(),
        b.firstOffset(),
        b.lastOffset(),
        b.minTimestamp(),
        b.maxTimestamp(),
        b.term());
  }

  /**
   * Idle, nothing in flight: an object at the next sequence can only be a newer leader's seal (this
   * shipper writes a sequence only after the one before landed). A failed HEAD is left to the next
   * check.
   */
  private void checkSeal() {
    String key;
    synchronized (lock) {
      key = WalKeys.objectKey(node, incarnation, nextSeq);
    }
    try {
      if (store.head(key).isPresent()) {
        fence(key, null);
      }
    } catch (RuntimeException e) {
      LOG.debug("seal check of {} failed; checking again later: {}", key, e.toString());
    }
  }

  private void fence(String key, PendingFlush batch) {
    fencedBy = key;
    LOG.error("WAL sequence {} is taken by another writer: node {} is fenced for good", key, node);
    if (batch != null) {
      batch.durable.completeExceptionally(fenced());
    }
    failPending(fenced());
    whenFenced.complete(key);
  }

  private void failPending(Throwable error) {
    PendingFlush left;
    synchronized (lock) {
      left = pending;
      pending = new PendingFlush();
      unshippedBytes = inFlightBytes;
    }
    left.durable.completeExceptionally(error);
  }

  /** The newer term is not known here: a seal fences the whole stream, whatever the terms. */
  private FencedException fenced() {
    return new FencedException(
        "node "
            + node
            + " is fenced: its WAL sequence "
            + fencedBy
            + " was taken (sealed by a newer leader)",
        FencedException.UNKNOWN_TERM);
  }

  /** A partition's shipped ranges since its last manifest. */
  private static final class PartitionLog {
    final List<WalRange> ranges = new ArrayList<>();
    long bytes;
  }
}
