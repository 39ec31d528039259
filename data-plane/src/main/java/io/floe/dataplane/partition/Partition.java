package io.floe.dataplane.partition;

import io.floe.core.clock.HybridLogicalClock;
import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition replica in memory.
 *
 * <p>Rows live in a {@link RowIndex}: a skip list ordered by encoded key (unsigned lexicographic,
 * the primary-key order) with a hash index beside it for point reads and overwrites, each key
 * holding a chain of {@link Version}s, newest first. Reads and scans take no lock and see the
 * newest version; writes are serialised by the partition's monitor, which assigns dense offsets and
 * hybrid timestamps, hands each entry to the {@link WalSink} in offset order and prunes versions
 * that no open {@link PartitionView} can need. With no view open a key keeps exactly one version
 * and a delete removes the key, so MVCC costs nothing until a snapshot asks for a view.
 *
 * <p>In a table with a TTL ({@link RowExpiry}), reads and conditional writes treat an expired row
 * as absent, and {@link #sweepExpired} removes expired rows from memory in small chunks; nothing of
 * it reaches the log, since expiry follows from the log and the clock (spec.md §14).
 */
public final class Partition {
  private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

  /**
   * Memory per key beyond its bytes and versions ({@link RowIndex}): the skip-list node and its
   * share of index nodes, the key array's header, the slot, the hash map's node and table entry.
   */
  static final int KEY_OVERHEAD = 128;

  /** Expired keys removed per hold of the monitor at most: a sweep never stalls writes long. */
  static final int SWEEP_CHUNK = 256;

  private final long tableId;
  private final int id;
  private final MemoryBudget budget;
  private final WalSink wal;
  private final RowExpiry expiry;
  private final HybridLogicalClock clock;

  /** Primary-key order: encoded keys compared as unsigned bytes. */
  static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

  // Replaced whole only by install(), while the partition is loading and serves nothing.
  private volatile RowIndex rows = new RowIndex();
  private final OpenViews views = new OpenViews();
  private final ReplicaRole role = new ReplicaRole();

  private volatile long offset;

  /** The term of the entry at {@link #offset} (0 when the partition holds none). */
  private volatile long lastTerm;

  // The last entry applied from a load or from a leader, kept whole: after a reset the replica log
  // holds it as the anchor a follower at this very offset checks its log against (§6.3).
  private WalEntry lastEntry;
  // The manifest this node last committed for the partition (0: none): reported while it leads.
  private volatile long manifestVersion;

  private volatile long rowCount;
  private volatile long memoryBytes;

  /** Set when the WAL failed to take an entry: the log has a hole, so writes stop for good. */
  private volatile FloeRequestException walBroken;

  /** The key after which the next sweep starts (null: the first); the sweeping thread's alone. */
  private byte[] sweepAfter;

  /** A replica whose rows never expire, its writes stamped by the system clock. */
  public Partition(long tableId, int id, MemoryBudget budget, WalSink wal) {
    this(tableId, id, budget, wal, RowExpiry.never());
  }

  /**
   * A replica whose rows expire as {@code expiry} says; its writes are stamped by {@code expiry}'s
   * clock, so expiry and timestamps follow one clock.
   */
  public Partition(long tableId, int id, MemoryBudget budget, WalSink wal, RowExpiry expiry) {
    this.tableId = tableId;
    this.id = id;
    this.budget = budget;
    this.wal = wal;
    this.expiry = expiry;
    this.clock = new HybridLogicalClock(expiry.wallClock());
  }

  public long tableId() {
    return tableId;
  }

  public int id() {
    return id;
  }

  public ReplicaRole role() {
    return role;
  }

  /** The bytes of memory its rows hold, as charged to the node's budget. */
  public long memoryBytes() {
    return memoryBytes;
  }

  public long offset() {
    return offset;
  }

  /** The term of the last entry applied (0 when none): with the offset, what a prepare reports. */
  public long lastTerm() {
    return lastTerm;
  }

  /**
   * The entry at the partition's offset, when the last thing applied was a whole entry (loaded from
   * the WAL or replicated), else null (a snapshot's end, or a leader's own writes since, which the
   * replica log holds anyway).
   */
  public synchronized WalEntry lastEntry() {
    WalEntry e = lastEntry;
    return e != null && e.offset() == offset ? e : null;
  }

  /** This node committed manifest {@code version} of the partition (replication.md §10). */
  public void manifestCommitted(long version) {
    manifestVersion = Math.max(manifestVersion, version);
  }

  /** The newest manifest this node committed for the partition, 0 when none. */
  public long manifestVersion() {
    return manifestVersion;
  }

  /** When this replica's rows expire. */
  public RowExpiry expiry() {
    return expiry;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The newest row of {@code key}, or null (none, deleted or expired). */
  public byte[] get(byte[] key) {
    role.checkReadable(id);
    Version v = rows.get(key);
    return v == null || expiry.expired(v.timestamp) ? null : v.row;
  }

  /**
   * The newest row of {@code key} on this replica whatever its role, with the offset it has applied
   * (replication.md §9): a follower's answer may be behind its leader's.
   */
  public ReadAny getAny(byte[] key) {
    role.checkServingAnyRole(id);
    long at = offset;
    Version v = rows.get(key);
    byte[] row = v == null || expiry.expired(v.timestamp) ? null : v.row;
    return new ReadAny(row, Math.max(at, v == null ? 0 : v.offset));
  }

  /** A row (null when absent) and the offset of the replica that read it. */
  public record ReadAny(byte[] row, long appliedOffset) {}

  /**
   * Up to {@code limit} newest live rows with keys in the range, in key order; a null bound is
   * open.
   */
  public List<KeyedRow> scan(
      byte[] start, boolean startInclusive, byte[] end, boolean endInclusive, int limit) {
    Iterator<KeyedRow> rows = cursor(start, startInclusive, end, endInclusive);
    List<KeyedRow> out = new ArrayList<>(Math.min(limit, 1024));
    while (out.size() < limit && rows.hasNext()) {
      out.add(rows.next());
    }
    return out;
  }

  /**
   * The newest live rows with keys in the range, in key order, read lazily (a null bound is open):
   * a merge of several partitions' rows reads from each only as far as it takes rows. Like {@link
   * #scan}, not a snapshot: it sees writes made while it is read.
   */
  public Iterator<KeyedRow> cursor(
      byte[] start, boolean startInclusive, byte[] end, boolean endInclusive) {
    role.checkReadable(id);
    if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
      // Holds no key (a client's inverted bounds, or a continuation past the end): an empty page,
      // never the skip list's "inconsistent range" error.
      return Collections.emptyIterator();
    }
    long expiredUpTo = expiry.horizon();
    Iterator<RowIndex.Slot> slots = rows.range(start, startInclusive, end, endInclusive);
    return new Iterator<>() {
      private KeyedRow next;

      @Override
      public boolean hasNext() {
        while (next == null && slots.hasNext()) {
          RowIndex.Slot s = slots.next();
          Version v = s.head;
          if (v != null && !v.deleted() && v.timestamp > expiredUpTo) {
            next = new KeyedRow(s.bytes, v.row, v.offset, v.timestamp);
          }
        }
        return next != null;
      }

      @Override
      public KeyedRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        KeyedRow row = next;
        next = null;
        return row;
      }
    };
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Applies the writes in order as the leader of {@code expectedTerm} (-1: whatever the current
   * term). Either every write applies or, when the partition cannot take writes or memory is short,
   * none does.
   */
  public AppliedWrites write(List<PartitionWrite> writes, long expectedTerm) {
    long reserve = PartitionWrite.maxBytes(writes);
    synchronized (this) {
      long term = checkWritableLocked(expectedTerm);
      budget.reserveFor(writes, reserve);
      return applyChecked(writes, term, reserve);
    }
  }

  /**
   * Checks the current version of {@code key} and applies the write {@code change} computes from
   * its current row, atomically: both happen holding the partition's monitor, so no other write of
   * the partition comes between them ({@code data-protocol.md} §4.1.1).
   *
   * <p>An expired row is absent here (spec.md §14.5): its version is 0 and {@code change} gets
   * null.
   *
   * @param expected -1: any version; 0: the row must be absent; n: its version must be n
   * @param requireRow the row must exist (an update), whatever {@code expected}
   * @param change the row to write given the current one (null when absent); null deletes. It may
   *     throw to refuse the write; nothing is applied then
   * @throws ConditionFailedException with the current version when the condition does not hold
   */
  public ConditionalWrite writeIf(
      byte[] key, long expected, boolean requireRow, UnaryOperator<byte[]> change) {
    return writeIf(key, expected, requireRow, change, null);
  }

  /**
   * As {@link #writeIf(byte[], long, boolean, UnaryOperator)} for a partial update whose WAL entry
   * logs {@code patch} (null: the whole row) when {@code change} gives a row.
   */
  public ConditionalWrite writeIf(
      byte[] key, long expected, boolean requireRow, UnaryOperator<byte[]> change, byte[] patch) {
    synchronized (this) {
      long term = checkWritableLocked(-1);
      Version head = rows.get(key);
      boolean held = head != null && !head.deleted();
      boolean present = held && !expiry.expired(head.timestamp);
      long current = present ? head.offset : 0;
      if ((expected >= 0 && expected != current) || (requireRow && !present)) {
        throw conditionFailed(expected, current, held && !present);
      }
      byte[] row = change.apply(present ? head.row : null);
      PartitionWrite write =
          row == null ? PartitionWrite.delete(key) : PartitionWrite.update(key, row, patch);
      List<PartitionWrite> writes = List.of(write);
      long reserve = write.maxBytes();
      budget.reserveFor(writes, reserve);
      return new ConditionalWrite(applyChecked(writes, term, reserve), current);
    }
  }

  private ConditionFailedException conditionFailed(long expected, long current, boolean expired) {
    String found =
        expired
            ? "the row has expired (absent)"
            : current == 0 ? "the row is absent" : "the row is at version " + current;
    String wanted =
        expected < 0 ? "an existing row" : expected == 0 ? "an absent row" : "version " + expected;
    return new ConditionFailedException(
        "partition " + id + ": " + found + ", the write expected " + wanted, current);
  }

  /** A conditional write applied, and the row's version just before it (0: absent). */
  public record ConditionalWrite(AppliedWrites applied, long priorVersion) {}

  /**
   * Every check a write passes, before anything is reserved or applied: after it returns, applying
   * cannot fail. Returns the term to apply in. Callers that go on to apply hold the monitor.
   */
  long checkWritableLocked(long expectedTerm) {
    long term = role.checkWritable(id, expectedTerm);
    wal.checkAccepting();
    FloeRequestException broken = walBroken;
    if (broken != null) {
      throw broken;
    }
    return term;
  }

  /**
   * Applies checked writes holding the monitor, {@code reserve} bytes already taken from the budget
   * for them; gives back what they did not need. Throws nothing: a batch over several partitions
   * applies whole once its checks passed (a WAL that fails to take an entry fails that entry's
   * durability future instead, and stops the partition's writes).
   */
  AppliedWrites applyChecked(List<PartitionWrite> writes, long term, long reserve) {
    long[] offsets = new long[writes.size()];
    long timestamp = 0;
    CompletableFuture<Void> durable = null;
    long added = 0;
    for (int i = 0; i < offsets.length; i++) {
      PartitionWrite w = writes.get(i);
      timestamp = clock.now();
      offsets[i] = ++offset;
      added += apply(w.key(), new Version(offsets[i], timestamp, w.row(), null));
      durable =
          log(
              new WalEntry(
                  tableId,
                  id,
                  offsets[i],
                  term,
                  timestamp,
                  w.delete(),
                  w.key(),
                  w.row(),
                  w.patch()));
    }
    budget.release(reserve - added);
    memoryBytes += added;
    lastTerm = term;
    return new AppliedWrites(offsets, timestamp, durable);
  }

  /**
   * Hands an applied entry to the WAL. A sink that throws leaves a hole in the partition's log: the
   * entry (and every later one) is not durable and no write may follow it, or recovery would find a
   * gap; the partition says so to every writer from then on.
   */
  private CompletableFuture<Void> log(WalEntry entry) {
    FloeRequestException broken = walBroken;
    if (broken == null) {
      try {
        return wal.append(entry);
      } catch (RuntimeException e) {
        LOG.error(
            "partition {}/{}: the WAL refused offset {}; writes stop",
            tableId,
            id,
            entry.offset(),
            e);
        broken =
            new FloeRequestException(
                ErrorCode.INTERNAL,
                "partition "
                    + id
                    + " takes no writes: its WAL refused offset "
                    + entry.offset()
                    + " ("
                    + e
                    + ")");
        walBroken = broken;
      }
    }
    return CompletableFuture.failedFuture(broken);
  }

  /**
   * Applies one entry the leader ordered (replication.md §6.1), with its own offset, term and
   * timestamp: it MUST follow the partition's offset. Memory is taken whatever the budget says — a
   * follower that refused what its leader applied would diverge — and the entry is handed to the
   * sink to keep until the leader says it is in S3.
   *
   * @throws IllegalStateException when the entry does not follow the partition's offset
   */
  public synchronized void applyReplicated(
      long entryOffset, long term, long timestamp, boolean delete, byte[] key, byte[] row) {
    if (entryOffset != offset + 1) {
      throw new IllegalStateException(
          "partition " + id + ": entry " + entryOffset + " does not follow offset " + offset);
    }
    clock.observe(timestamp);
    long added = apply(key, new Version(entryOffset, timestamp, delete ? null : row, null));
    if (added > 0) {
      budget.forceReserve(added);
    } else {
      budget.release(-added);
    }
    memoryBytes += added;
    offset = entryOffset;
    lastTerm = term;
    WalEntry entry =
        new WalEntry(tableId, id, entryOffset, term, timestamp, delete, key, delete ? null : row);
    lastEntry = entry;
    wal.replicated(entry);
  }

  /**
   * The newest version's row of {@code key} (null when absent or deleted), whatever the role and
   * expiry: what a replayed partial update applies to.
   */
  public byte[] newestRow(byte[] key) {
    Version head = rows.get(key);
    return head == null || head.deleted() ? null : head.row;
  }

  /** Where a load gathers the partition's rows before {@link LoadBuffer#install} makes them its. */
  public LoadBuffer newLoadBuffer() {
    return new LoadBuffer(this, budget);
  }

  /**
   * Makes {@code sorted} (live rows in key order, their memory already reserved as {@code bytes})
   * the partition's content as of {@code loadedOffset}; the clock moves past {@code maxTimestamp}.
   */
  synchronized void install(
      SortedMap<byte[], Version> sorted,
      long loadedOffset,
      long loadedTerm,
      long maxTimestamp,
      long bytes,
      WalEntry loadedLast) {
    budget.release(memoryBytes);
    rows = new RowIndex(sorted);
    rowCount = sorted.size();
    memoryBytes = bytes;
    offset = loadedOffset;
    lastTerm = loadedTerm;
    lastEntry = loadedLast;
    clock.observe(maxTimestamp);
  }

  /** Forgets everything loaded so far (a load retried from a newer manifest). */
  public synchronized void resetForReload() {
    rows.clear();
    budget.release(memoryBytes);
    memoryBytes = 0;
    rowCount = 0;
    offset = 0;
    lastTerm = 0;
    lastEntry = null;
  }

  /** Loading failed: the partition stays offline and says why to every request. */
  public synchronized void failLoad(String reason) {
    resetForReload();
    role.setOffline(reason);
  }

  /** Puts the new version at the head of its key; returns the change in bytes held. */
  private long apply(byte[] key, Version v) {
    if (!views.any()) {
      // One lookup: put and remove return the head they replaced (writers hold the partition's
      // monitor, so nothing else changes the key in between).
      Version head = v.deleted() ? rows.remove(key) : rows.put(key, v);
      rowCount += (v.deleted() ? 0 : 1) - (head != null && !head.deleted() ? 1 : 0);
      if (v.deleted()) {
        return head == null ? 0 : -(KEY_OVERHEAD + key.length + chainBytes(head));
      }
      return v.bytes() - (head == null ? -(KEY_OVERHEAD + key.length) : chainBytes(head));
    }
    Version head = rows.get(key);
    rowCount += (v.deleted() ? 0 : 1) - (head != null && !head.deleted() ? 1 : 0);
    v.older = head;
    rows.put(key, v);
    views.remember(key);
    return v.bytes() + (head == null ? KEY_OVERHEAD + key.length : 0) - prune(v, views.oldest());
  }

  private static long chainBytes(Version v) {
    long bytes = 0;
    for (; v != null; v = v.older) {
      bytes += v.bytes();
    }
    return bytes;
  }

  /** Cuts the chain after the newest version at or before {@code keep}; returns bytes freed. */
  private static long prune(Version head, long keep) {
    Version cut = head.asOf(keep);
    if (cut == null || cut.older == null) {
      return 0;
    }
    long freed = chainBytes(cut.older);
    cut.older = null;
    return freed;
  }

  // ---- views -------------------------------------------------------------------------------

  /**
   * A consistent view of the partition exactly at the current offset, readable while writes
   * continue. Close it: an open view keeps every version it may need alive.
   */
  public synchronized PartitionView openView() {
    role.checkReadable(id);
    long at = offset;
    // Under the monitor the clock's last timestamp is that of the write at the offset.
    long cutInstant = clock.last();
    views.open(at, cutInstant);
    return new PartitionView(this, at, expiry.horizonAt(cutInstant), rows);
  }

  synchronized void closeView(long at) {
    views.close(at);
    long oldest = views.any() ? views.oldest() : Long.MAX_VALUE;
    long freed = 0;
    for (byte[] key : views.forgetIfNoneOpen()) {
      Version head = rows.get(key);
      if (head == null) {
        continue;
      }
      freed += prune(head, oldest);
      if (head.deleted() && head.older == null) {
        rows.remove(key, head);
        freed += head.bytes() + KEY_OVERHEAD + key.length;
      }
    }
    memoryBytes -= freed;
    budget.release(freed);
  }

  // ---- expiry --------------------------------------------------------------------------------

  /**
   * Removes expired rows from memory (spec.md §14.7), examining at most {@code maxKeys} keys from
   * where the previous sweep stopped and wrapping around at the end. Candidates are found without
   * the lock; each chunk of {@link #SWEEP_CHUNK} is checked again and removed holding the monitor,
   * so a write waits for at most one chunk. While a view is open, only rows expired at its cut
   * instant go (the view hides them anyway). Writes nothing to the log. One sweeper at a time.
   *
   * @return the rows removed
   */
  public int sweepExpired(int maxKeys) {
    if (!expiry.applies()) {
      return 0;
    }
    long expiredUpTo = expiry.horizon();
    Iterator<RowIndex.Slot> slots =
        sweepAfter == null ? rows.all() : rows.range(sweepAfter, false, null, false);
    byte[][] chunk = new byte[SWEEP_CHUNK][];
    int found = 0;
    int removed = 0;
    byte[] last = null;
    for (int examined = 0; examined < maxKeys && slots.hasNext(); examined++) {
      RowIndex.Slot s = slots.next();
      last = s.bytes;
      Version v = s.head;
      if (v != null && !v.deleted() && v.timestamp <= expiredUpTo) {
        chunk[found++] = last;
        if (found == chunk.length) {
          removed += removeExpired(chunk, found, expiredUpTo);
          found = 0;
        }
      }
    }
    removed += removeExpired(chunk, found, expiredUpTo);
    sweepAfter = slots.hasNext() ? last : null;
    return removed;
  }

  /** Removes those of the first {@code count} keys whose row expired; returns how many. */
  private synchronized int removeExpired(byte[][] keys, int count, long expiredUpTo) {
    if (count == 0) {
      return 0;
    }
    long upTo =
        views.any()
            ? Math.min(expiredUpTo, expiry.horizonAt(views.oldestCutInstant()))
            : expiredUpTo;
    int removed = 0;
    long freed = 0;
    for (int i = 0; i < count; i++) {
      byte[] key = keys[i];
      keys[i] = null;
      Version head = rows.get(key);
      // Checked again: a write may have renewed the row since it was found. Every older version of
      // an expired head is older still, so the whole chain goes.
      if (head != null && !head.deleted() && head.timestamp <= upTo && rows.remove(key, head)) {
        freed += KEY_OVERHEAD + key.length + chainBytes(head);
        removed++;
      }
    }
    rowCount -= removed;
    memoryBytes -= freed;
    budget.release(freed);
    return removed;
  }

  // ---- status and life cycle ---------------------------------------------------------------

  public PartitionStatus status() {
    return new PartitionStatus(
        id, role.state(), role.role(), role.term(), offset, rowCount, memoryBytes);
  }

  /** Loading finished: the partition starts serving. */
  public void markNormal() {
    role.setState(PartitionState.NORMAL);
  }

  /** Stops serving and gives back every byte this partition held. */
  public synchronized void drop() {
    role.setState(PartitionState.OFFLINE);
    rows.clear();
    budget.release(memoryBytes);
    memoryBytes = 0;
    rowCount = 0;
    wal.dropped();
  }

  public void becomeLeader(long term) {
    role.lead(term);
  }

  public void becomeFollower(long term, String leaderEndpoint) {
    role.follow(term, leaderEndpoint);
  }

  /**
   * PREPARE_TERM (replication.md §4.3): moves to {@code term} following no one, under the write
   * lock so that no write of the old term is applied after it. Returns the offset and last term.
   */
  public synchronized Prepared prepare(long term) {
    role.checkServingAnyRole(id);
    role.prepare(term);
    return new Prepared(role.term(), offset, lastTerm);
  }

  /**
   * Stops writes for a cooperative hand-over to {@code targetEndpoint} (null resumes them), under
   * the write lock: no write is applied after it returns. Returns the last offset.
   */
  public synchronized long handOver(String targetEndpoint) {
    role.handOver(targetEndpoint);
    return offset;
  }

  /**
   * Moves to {@code term} following no one while loading (a fresh leader that may not lead,
   * replication.md §7.4): like {@link #prepare} without the serving check.
   */
  public synchronized void standBy(long term) {
    role.standBy(term);
  }

  /** Where a prepared replica stands. */
  public record Prepared(long term, long offset, long lastTerm) {}

  /** Marks the replica loading again (a follower refilling from S3, a leader being promoted). */
  public void markLoading() {
    role.setState(PartitionState.LOADING);
  }

  /** The sink this replica's writes go to. */
  public WalSink sink() {
    return wal;
  }

  public PartitionRole currentRole() {
    return role.role();
  }
}
