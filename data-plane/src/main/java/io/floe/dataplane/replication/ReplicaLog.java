package io.floe.dataplane.replication;

import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.ReplicatedEntry;
import io.floe.dataplane.wal.WalEntry;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition replica's replication state (replication.md §5–§6): the in-memory tail of recent
 * entries, and — while this replica leads — a cursor per follower, the commit offset and the writes
 * waiting for it.
 *
 * <p>The tail holds every entry above the shipped offset (those are bounded by the WAL backlog)
 * plus shipped entries that a follower still needs — leading, from the lowest offset a follower
 * acknowledged — or that were shipped less than the node's retain time ago ({@link RetainedTails}),
 * oldest leaving first; never more shipped bytes than {@code retainBytes}, nor than the node's
 * bound over all its logs together. A follower keeps a tail too so that, promoted, it can ship what
 * S3 may not have yet and catch the other followers up from memory.
 *
 * <p>Thread-safety: every method locks this object. Entries are appended under the partition's
 * write lock too, so they arrive in offset order.
 */
public final class ReplicaLog {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaLog.class);

  /** A follower's cursor was reset: its next block is a heartbeat asking for its offset. */
  private static final long UNKNOWN = -1;

  private final long tableId;
  private final int partition;
  private final long retainBytes;
  private final long isolationNanos;
  private boolean isolated; // as last found, to log the changes only
  private final ReplicationStats stats;

  private final EntryRing tail = new EntryRing();
  private long appliedOffset;
  private long shippedOffset;
  private final RetainedTails node;
  // The shipped bytes this log last counted in the node's total.
  private long counted;
  // When the shipped offset reached where (oldest first, one per quarter of the retain time), and
  // the offset up to which entries have been shipped for at least the retain time.
  private final ArrayDeque<ShippedMark> shippedMarks = new ArrayDeque<>();
  private long retainedUpTo;

  // Set when a new process's replica is assigned leader: it may lead only a partition never led.
  private boolean freshLeaderStart;
  private boolean promoted;

  // Set by a promotion that follows a cooperative hand-over, read by its load.
  private HandOverPoint handover;

  // Following only: the newest term whose log this replica checked its own against (§6.3), and
  // the leader's offset as last heard (for the lag).
  private long verifiedTerm;
  private long leaderOffset;

  // Leading only.
  private volatile boolean leading;
  private long term;
  private long termStart;
  private int replicaCount = 1;
  private long commitOffset;
  private final Map<String, Cursor> followers = new LinkedHashMap<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private long sendGeneration;

  public ReplicaLog(long tableId, int partition, long retainBytes) {
    this(tableId, partition, retainBytes, new ReplicationStats());
  }

  public ReplicaLog(long tableId, int partition, long retainBytes, ReplicationStats stats) {
    this(
        tableId,
        partition,
        retainBytes,
        ReplicationSettings.ISOLATION_TIMEOUT_DEFAULT,
        stats,
        RetainedTails.unbounded());
  }

  /**
   * @param isolation how long, leading, it may hear from too few followers to make a majority
   *     before it {@linkplain #isolated is isolated}
   * @param stats the node's replication counters, which this log adds to
   * @param node the shipped bytes held by all the node's logs, and their bound
   */
  public ReplicaLog(
      long tableId,
      int partition,
      long retainBytes,
      java.time.Duration isolation,
      ReplicationStats stats,
      RetainedTails node) {
    this.tableId = tableId;
    this.partition = partition;
    this.retainBytes = retainBytes;
    this.isolationNanos = isolation.toNanos();
    this.stats = stats;
    this.node = node;
  }

  public long tableId() {
    return tableId;
  }

  public int partition() {
    return partition;
  }

  // ---- both roles ----------------------------------------------------------------------------

  /** An entry applied here (as leader or follower), in offset order. */
  synchronized void add(WalEntry entry) {
    if (entry.offset() <= appliedOffset) {
      return;
    }
    if (!tail.isEmpty() && entry.offset() != tail.lastOffset() + 1) {
      tail.clear(); // only after a reset: what is held must stay dense
    }
    tail.add(entry, System.nanoTime());
    appliedOffset = entry.offset();
    trim();
  }

  /** Every entry up to {@code offset} is in S3. */
  public synchronized void shipped(long offset) {
    if (offset > shippedOffset) {
      shippedOffset = offset;
      markShipped(offset);
      trim();
    }
  }

  private void markShipped(long offset) {
    if (node.retainNanos() == RetainedTails.FOREVER) {
      return;
    }
    long now = node.now();
    ShippedMark last = shippedMarks.peekLast();
    // Offsets shipped between two marks count from the later one: kept a little longer, not less.
    if (last == null || now - last.nanos >= node.retainNanos() / 4) {
      shippedMarks.addLast(new ShippedMark(offset, now));
    }
  }

  /** The offset up to which every entry was shipped at least the retain time ago. */
  private long agedOut() {
    if (node.retainNanos() == RetainedTails.FOREVER) {
      return 0;
    }
    long now = node.now();
    while (!shippedMarks.isEmpty() && now - shippedMarks.peekFirst().nanos >= node.retainNanos()) {
      retainedUpTo = Math.max(retainedUpTo, shippedMarks.pollFirst().offset);
    }
    return retainedUpTo;
  }

  /** Leading: the lowest offset a follower acknowledged, whose entry resumes it (its anchor). */
  private long neededByFollowers() {
    if (!leading) {
      return Long.MAX_VALUE;
    }
    long lowest = Long.MAX_VALUE;
    for (Cursor c : followers.values()) {
      lowest = Math.min(lowest, Math.max(0, c.acked));
    }
    return lowest;
  }

  public synchronized long shippedOffset() {
    return shippedOffset;
  }

  /**
   * Starts over at {@code offset} (a load installed the partition's content), holding only {@code
   * anchor} when it is the entry at that offset: a follower found at exactly this offset is then
   * checked against it and resumes, instead of being sent to S3 for a full refill (§6.3).
   *
   * @param anchor the partition's {@link io.floe.dataplane.partition.Partition#lastEntry}, or null
   */
  public synchronized void resetTo(long offset, long shipped, WalEntry anchor) {
    tail.clear();
    shippedMarks.clear();
    retainedUpTo = 0;
    appliedOffset = offset;
    shippedOffset = Math.min(offset, shipped);
    if (anchor != null && anchor.offset() == offset) {
      tail.add(anchor, System.nanoTime());
    }
    recount();
  }

  /** The partition left this node: what the log held no longer counts in the node's total. */
  public synchronized void release() {
    tail.clear();
    shippedMarks.clear();
    recount();
  }

  /**
   * A promoted replica's load ended at {@code offset}, S3 holding everything up to {@code inS3}:
   * the tail stays when it ends there (the entries above {@code inS3} were handed to the shipper),
   * else it starts over.
   */
  public synchronized void afterPromotion(long offset, long inS3, WalEntry anchor) {
    if (appliedOffset == offset && !tail.isEmpty()) {
      shipped(inS3);
    } else {
      resetTo(offset, offset, anchor);
    }
  }

  /** The entries held above {@code offset}, in order: what a promoted replica must ship. */
  public synchronized List<WalEntry> entriesAbove(long offset) {
    List<WalEntry> out = new ArrayList<>();
    if (tail.isEmpty()) {
      return out;
    }
    for (long o = Math.max(offset + 1, tail.firstOffset()); o <= tail.lastOffset(); o++) {
      out.add(tail.at(o));
    }
    return out;
  }

  /** The first offset the tail holds, or {@code applied + 1} when it holds none. */
  public synchronized long firstHeld() {
    return tail.isEmpty() ? appliedOffset + 1 : tail.firstOffset();
  }

  private void trim() {
    // Shipped entries leave oldest first: past the retained bytes, the partition's or the node's,
    // or once no follower needs them and they were shipped the retain time ago — but for the
    // newest entry, a promoted replica's anchor (§5.2). Unshipped ones never do.
    long others = node.held() - counted;
    long aged = -1;
    long needed = -1;
    while (!tail.isEmpty()) {
      WalEntry first = tail.first();
      if (first.offset() > shippedOffset) {
        break;
      }
      boolean overBound =
          tail.bytes() - first.size() >= retainBytes || others + shippedHeld() > node.limit();
      if (!overBound) {
        if (aged < 0) {
          aged = agedOut();
          needed = neededByFollowers();
        }
        if (first.offset() > aged
            || first.offset() >= needed
            || first.offset() == tail.lastOffset()) {
          break;
        }
      }
      tail.removeFirst();
    }
    recount();
  }

  /** Bytes of the shipped entries the tail holds. */
  private long shippedHeld() {
    return tail.isEmpty() ? 0 : tail.bytes() - tail.bytesAbove(shippedOffset);
  }

  private void recount() {
    long now = shippedHeld();
    if (now != counted) {
      node.add(now - counted);
      counted = now;
    }
  }

  /**
   * This replica was just created, in this process, as the assignment's leader: its memory holds
   * nothing the previous leader acknowledged, so it must not lead a partition that was led before
   * (replication.md §7.4) — only a prepare and a newer term make it leader then.
   */
  public synchronized void markFreshLeaderStart() {
    freshLeaderStart = true;
  }

  /** True once after {@link #markFreshLeaderStart}. */
  public synchronized boolean takeFreshLeaderStart() {
    boolean fresh = freshLeaderStart;
    freshLeaderStart = false;
    return fresh;
  }

  /**
   * This replica, a follower holding the partition, was just named leader: its next load keeps what
   * it holds and reads only the WAL tail (replication.md §7.2).
   */
  public synchronized void markPromoted() {
    promoted = true;
  }

  /** True once after {@link #markPromoted}. */
  public synchronized boolean takePromoted() {
    boolean was = promoted;
    promoted = false;
    return was;
  }

  /** The next promotion's load follows a hand-over that left the old stream at {@code point}. */
  public synchronized void handOverPoint(HandOverPoint point) {
    handover = point;
  }

  /** Takes the hand-over point a promotion's load should read up to, if any. */
  public synchronized Optional<HandOverPoint> takeHandOverPoint() {
    Optional<HandOverPoint> point = Optional.ofNullable(handover);
    handover = null;
    return point;
  }

  // ---- following -----------------------------------------------------------------------------

  synchronized long verifiedTerm() {
    return verifiedTerm;
  }

  /** This replica's log was checked against the log of {@code term}. */
  synchronized void verified(long term) {
    verifiedTerm = term;
  }

  synchronized void heardFromLeader(long offset) {
    leaderOffset = Math.max(leaderOffset, offset);
  }

  /** How far behind its leader this follower is, in entries, as last heard. */
  public synchronized long followerLag() {
    return Math.max(0, leaderOffset - appliedOffset);
  }

  /** After a refill from the S3 history of {@code term}: nothing left to check in that term. */
  synchronized void refilled(long term, long offset, WalEntry anchor) {
    resetTo(offset, offset, anchor);
    verifiedTerm = term;
  }

  // ---- leading -------------------------------------------------------------------------------

  /**
   * This replica leads {@code term}, which began after {@code startOffset}, with {@code
   * followerNodes} as the other replicas. Cursors start unknown: the first block to each follower
   * asks for its offset.
   */
  public synchronized void lead(long term, long startOffset, List<String> followerNodes) {
    if (!leading || this.term != term) {
      failWaiting();
      commitOffset = Math.min(commitOffset, appliedOffset);
      this.termStart = startOffset;
      followers.clear();
    }
    leading = true;
    this.term = term;
    this.replicaCount = followerNodes.size() + 1;
    Map<String, Cursor> kept = new LinkedHashMap<>();
    for (String node : followerNodes) {
      Cursor c = followers.get(node);
      kept.put(node, c == null ? new Cursor() : c);
    }
    followers.clear();
    followers.putAll(kept);
    recomputeCommit();
  }

  /** Stops leading; writes still waiting for a majority fail with {@code cause}. */
  public void stopLeading(RuntimeException cause) {
    List<CompletableFuture<Void>> failed;
    synchronized (this) {
      leading = false;
      followers.clear();
      failed = drainWaiting();
    }
    failed.forEach(f -> f.completeExceptionally(cause));
  }

  public boolean leading() {
    return leading;
  }

  public synchronized long term() {
    return term;
  }

  public synchronized List<String> followerNodes() {
    return List.copyOf(followers.keySet());
  }

  /**
   * A write applied as leader: the future completes when a majority applied it (immediately with
   * one replica). Called under the partition's write lock, after {@link #add}.
   */
  synchronized CompletableFuture<Void> majorityOf(long offset) {
    if (replicaCount <= 1 || offset <= commitOffset) {
      return CompletableFuture.completedFuture(null);
    }
    stats.commitWait();
    Waiter last = waiting.peekLast();
    if (last != null && last.generation == sendGeneration) {
      // Nothing was sent since that waiter began: the same round trip acknowledges both.
      last.offset = offset;
      return last.future;
    }
    Waiter w = new Waiter(offset, sendGeneration, System.nanoTime());
    waiting.addLast(w);
    return w.future;
  }

  /** Bytes of entries not yet at the commit offset (the replication backlog, §5.5). */
  public synchronized long uncommittedBytes() {
    if (replicaCount <= 1) {
      return 0;
    }
    return tail.bytesAbove(commitOffset);
  }

  public long retainBytes() {
    return retainBytes;
  }

  public synchronized long commitOffset() {
    return commitOffset;
  }

  /** The largest number of entries a follower is behind (0 with none). */
  public synchronized long lag() {
    long lag = 0;
    for (Cursor c : followers.values()) {
      lag = Math.max(lag, appliedOffset - Math.max(0, c.acked));
    }
    return lag;
  }

  /** True when {@code node}'s cursor has entries (or a reload notice) waiting to be sent. */
  public synchronized boolean hasMoreFor(String node) {
    Cursor c = followers.get(node);
    return leading
        && c != null
        && c.next != UNKNOWN
        && !c.awaitingReload
        && c.next <= appliedOffset;
  }

  /**
   * Whether this replica leads but has heard from too few followers to make a majority with it —
   * any answer counts, a heartbeat's too — for the isolation timeout, as of {@code nowNanos}: cut
   * off from its followers, it can commit nothing (replication.md §2, {@code isolated}). Each
   * follower's silence counts from when it last answered, or from when this replica began leading
   * it.
   */
  public synchronized boolean isolated(long nowNanos) {
    if (!leading || replicaCount <= 1) {
      return false;
    }
    int heard = 1;
    for (Cursor c : followers.values()) {
      if (nowNanos - c.lastAnsweredNanos < isolationNanos) {
        heard++;
      }
    }
    boolean now = heard < replicaCount / 2 + 1;
    if (now != isolated) {
      isolated = now;
      LOG.warn(
          "partition {}/{} (term {}): {} of its {} followers answered in the last {} ms: {}",
          tableId,
          partition,
          term,
          heard - 1,
          replicaCount - 1,
          isolationNanos / 1_000_000,
          now ? "isolated, it cannot commit" : "no longer isolated");
    }
    return now;
  }

  /**
   * Whether follower {@code node} answered this leadership, within the isolation timeout before
   * {@code nowNanos}.
   */
  public synchronized boolean answeredLately(String node, long nowNanos) {
    Cursor c = followers.get(node);
    return c != null && c.answered && nowNanos - c.lastAnsweredNanos < isolationNanos;
  }

  /** What {@code node} last acknowledged having applied (-1: nothing yet). */
  public synchronized long ackedBy(String node) {
    Cursor c = followers.get(node);
    return c == null ? -1 : c.acked;
  }

  /** Every follower's cursor starts over (its connection was opened again). */
  public synchronized void resetCursor(String node) {
    Cursor c = followers.get(node);
    if (c != null) {
      c.next = UNKNOWN;
      c.lastSentNanos = 0;
    }
  }

  /**
   * The next block for {@code node}: entries from its cursor up to about {@code maxBytes}, a {@code
   * RELOAD} notice when they left the tail, or a heartbeat when nothing is due but {@code
   * heartbeatNanos} passed since the last block. Null when nothing is to be sent.
   */
  public synchronized AppendBlock nextBlock(String node, long maxBytes, long heartbeatNanos) {
    Cursor c = followers.get(node);
    if (!leading || c == null) {
      return null;
    }
    long now = System.nanoTime();
    boolean heartbeatDue = now - c.lastSentNanos >= heartbeatNanos;
    if (c.next == UNKNOWN || c.awaitingReload) {
      if (!heartbeatDue) {
        return null;
      }
      c.lastSentNanos = now;
      int flags = c.awaitingReload ? AppendBlock.RELOAD : 0;
      return block(appliedOffset, flags, List.of());
    }
    if (c.next <= appliedOffset) {
      if (c.next < firstHeld()) {
        c.awaitingReload = true;
        c.lastSentNanos = now;
        return block(appliedOffset, AppendBlock.RELOAD, List.of());
      }
      List<ReplicatedEntry> entries = new ArrayList<>();
      long bytes = 0;
      for (long o = c.next; o <= appliedOffset && bytes < maxBytes; o++) {
        WalEntry e = tail.at(o);
        entries.add(
            new ReplicatedEntry(e.offset(), e.term(), e.timestamp(), e.delete(), e.key(), e.row()));
        bytes += e.size();
      }
      long prev = c.next - 1;
      c.next += entries.size();
      c.lastSentNanos = now;
      sendGeneration++;
      return block(prev, 0, entries);
    }
    if (!heartbeatDue) {
      return null;
    }
    c.lastSentNanos = now;
    return block(appliedOffset, 0, List.of());
  }

  private AppendBlock block(long prev, int flags, List<ReplicatedEntry> entries) {
    stats.sent(entries.size());
    return new AppendBlock(
        tableId, partition, term, termStart, prev, commitOffset, shippedOffset, flags, entries);
  }

  /**
   * What a follower answered for one block. Returns the newer term when the follower is at one
   * (this replica is deposed), else -1.
   */
  public long answered(String node, AppendResult result) {
    List<CompletableFuture<Void>> done;
    synchronized (this) {
      Cursor c = followers.get(node);
      if (!leading || c == null) {
        return -1;
      }
      c.lastAnsweredNanos = System.nanoTime();
      c.answered = true;
      switch (result.code()) {
        case STALE_TERM -> {
          return result.term() > term ? result.term() : -1;
        }
        case OK -> {
          if (c.next != UNKNOWN && c.acked >= 0 && result.offset() > c.acked) {
            recordLag(result.offset(), c.lastAnsweredNanos);
          }
          c.acked = Math.max(c.acked, result.offset());
          if (c.next == UNKNOWN) {
            c.next = anchorFor(result.offset());
          }
        }
        case GAP -> {
          c.next = anchorFor(result.offset());
          c.awaitingReload = false;
          c.acked = result.offset();
        }
        case NOT_READY, DIVERGED -> {
          // Loading or refilling: the next heartbeat asks again; its answer says where it is.
          c.next = UNKNOWN;
          c.awaitingReload = false;
          c.acked = result.offset();
        }
      }
      done = recomputeCommit();
    }
    done.forEach(f -> f.complete(null));
    return -1;
  }

  /**
   * The replication lag of one answer: how long ago the newest entry it acknowledges was applied
   * here, when the tail still holds it (replication.md §10).
   */
  private void recordLag(long offset, long nowNanos) {
    if (tail.holds(offset)) {
      stats.lag(nowNanos - tail.addedNanos(offset));
    }
  }

  /**
   * Where to resume a follower at {@code offset}: at its last entry, an anchor whose term it checks
   * (replication.md §6.3) and otherwise skips. When the tail no longer holds it, the next block is
   * a {@code RELOAD} notice; past the leader's own offset, heartbeats (the follower diverged).
   */
  private static long anchorFor(long offset) {
    return Math.max(1, offset);
  }

  private List<CompletableFuture<Void>> recomputeCommit() {
    if (!leading) {
      return List.of();
    }
    long[] applied = new long[replicaCount];
    applied[0] = appliedOffset;
    int i = 1;
    for (Cursor c : followers.values()) {
      if (i < applied.length) {
        applied[i++] = Math.max(0, c.acked);
      }
    }
    Arrays.sort(applied);
    int majority = replicaCount / 2 + 1;
    long reached = applied[applied.length - majority];
    if (reached > commitOffset) {
      commitOffset = reached;
    }
    List<CompletableFuture<Void>> done = new ArrayList<>();
    long now = waiting.isEmpty() ? 0 : System.nanoTime();
    while (!waiting.isEmpty() && waiting.peekFirst().offset <= commitOffset) {
      Waiter w = waiting.pollFirst();
      stats.commitRounds().record(now - w.startNanos);
      done.add(w.future);
    }
    trim();
    return done;
  }

  private List<CompletableFuture<Void>> drainWaiting() {
    List<CompletableFuture<Void>> out = new ArrayList<>();
    while (!waiting.isEmpty()) {
      out.add(waiting.pollFirst().future);
    }
    stats.commitRounds().failed(out.size());
    return out;
  }

  /** A new term began: writes of the old one still waiting for a majority never get it. */
  private void failWaiting() {
    FencedException why =
        new FencedException(
            "partition " + partition + ": a new term began before a majority applied", term);
    drainWaiting().forEach(f -> f.completeExceptionally(why));
  }

  /** Where the leader is with one follower. */
  private static final class Cursor {
    long next = UNKNOWN;
    long acked = -1;
    long lastSentNanos;
    long lastAnsweredNanos = System.nanoTime(); // silence counts from when it was first followed
    boolean answered;
    boolean awaitingReload;
  }

  private record ShippedMark(long offset, long nanos) {}

  private static final class Waiter {
    long offset;
    final long generation;
    final long startNanos;
    final CompletableFuture<Void> future = new CompletableFuture<>();

    Waiter(long offset, long generation, long startNanos) {
      this.offset = offset;
      this.generation = generation;
      this.startNanos = startNanos;
    }
  }
}
