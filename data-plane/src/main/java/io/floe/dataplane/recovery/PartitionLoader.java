package io.floe.dataplane.recovery;

import io.floe.core.retry.Resilience;
import io.floe.core.retry.ResilienceSettings;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.RowCodec;
import io.floe.core.table.RowPatcher;
import io.floe.core.table.Schema;
import io.floe.dataplane.metrics.Tally;
import io.floe.dataplane.partition.LoadBuffer;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalShipper;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import io.floe.storage.commit.CommitFailedException;
import io.floe.storage.commit.CommitStateUnknownException;
import io.floe.storage.manifest.NextManifest;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.snapshot.SnapshotReader;
import io.floe.storage.wal.WalObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a partition this node is to lead from S3 (DESIGN.md §7): the newest manifest, its snapshot,
 * its WAL ranges, then the one tail stream it names (sealed first when it is not this
 * incarnation's), and commits a manifest whose tail is this node's own stream. Only then does the
 * partition serve. Callable from any "this node now leads partition P in term T" trigger.
 */
public final class PartitionLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLoader.class);

  /**
   * A manifest commit lost to another writer (or of unknown outcome) is retried from a fresh load,
   * a few times: {@code recovery.commit-retry.*} would tune it, the race is rare.
   */
  private static final ResilienceSettings COMMIT_RETRY =
      ResilienceSettings.retryOnly(5, Duration.ofMillis(20), Duration.ofMillis(500), 0.5);

  private final Resilience commitRetry =
      Resilience.of(
          "manifest-commit",
          COMMIT_RETRY,
          e -> e instanceof CommitFailedException || e instanceof CommitStateUnknownException);

  /**
   * WAL object tails kept for the node's loads to share (each object holds every partition's
   * entries of its writer): 32 MiB hold tens of thousands of the usual small objects.
   */
  static final long SHARED_TAIL_BYTES = 32L << 20;

  private final ObjectStore store;
  private final PartitionManifests.Registry manifests;
  private final WalShipper shipper;
  private final Path tempDir;
  private final SharedWalTails tails;
  private final Tally leaderLoads = new Tally();
  private final Tally followerFills = new Tally();
  private final Tally promotions = new Tally();
  private volatile boolean stopping;

  public PartitionLoader(ObjectStore store, WalShipper shipper, Path tempDir) {
    this.store = store;
    this.manifests = new PartitionManifests.Registry(store);
    this.shipper = shipper;
    this.tempDir = tempDir;
    this.tails = new SharedWalTails(new WalObjectReader(store), SHARED_TAIL_BYTES);
  }

  /**
   * Fills {@code partition} (state {@code loading}) from S3 and makes it the serving leader of
   * {@code term}. On failure the partition goes offline with the reason, holding nothing.
   *
   * @throws PartitionLoadException naming the partition and, if corrupt, the object
   */
  public LoadResult load(Partition partition, Schema schema, long term) {
    return load(partition, schema, term, List.of(), shipper::append, Optional.empty());
  }

  /**
   * Like {@link #load(Partition, Schema, long)} for a replica that held entries in memory before (a
   * follower promoted, replication.md §7.2): after the tail walk, every entry of {@code carried}
   * above what S3 holds is applied and handed to {@code reship} — the node's stream, under which
   * the committed manifest's tail then finds it — before the commit.
   *
   * @param carried entries the replica held, in offset order
   * @param handover where a cooperative hand-over left the old leader's stream: read up to there,
   *     not sealed, when the manifest's tail names that stream
   */
  public LoadResult load(
      Partition partition,
      Schema schema,
      long term,
      List<WalEntry> carried,
      Consumer<WalEntry> reship,
      Optional<HandOverPoint> handover) {
    long started = System.nanoTime();
    try {
      LoadResult result = loadWithRetries(partition, schema, term, carried, reship, handover);
      partition.becomeLeader(term);
      partition.markNormal();
      leaderLoads.recordSince(started);
      LOG.info(
          "loaded partition {}/{}: offset {}, {} WAL ranges, {} tail objects, in {} ms",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          result.manifest().walRanges().size(),
          result.tailObjects(),
          (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (RuntimeException e) {
      throw failed(partition, "load", leaderLoads, e);
    }
  }

  /**
   * Makes a follower that holds the partition in memory its leader of {@code term} without loading
   * it again (replication.md §7.2): reads the newest manifest and, when the replica's memory
   * reaches at least as far as its snapshot, reads the WAL ranges it lacks (none when it reaches
   * past them too) and walks (and seals) the tail stream, applying what it holds beyond the
   * replica's offset straight to the replica, hands every entry the replica holds above what S3
   * holds to this node's stream, and commits the manifest naming that stream. The partition keeps
   * its rows throughout; it is leader and serving when this returns.
   *
   * <p>Returns empty, having changed nothing, when the replica is behind the manifest's snapshot:
   * it must {@linkplain #load load} whole instead.
   *
   * @param heldAbove the entries the replica holds above an offset, in offset order
   * @param handover as for {@link #load(Partition, Schema, long, List, Consumer, Optional)}
   * @throws PartitionLoadException as a load does; the partition is then offline holding nothing
   */
  public Optional<LoadResult> promoteInPlace(
      Partition partition,
      Schema schema,
      long term,
      LongFunction<List<WalEntry>> heldAbove,
      Consumer<WalEntry> reship,
      Optional<HandOverPoint> handover) {
    long started = System.nanoTime();
    PartitionManifests manifests = this.manifests.of(partition.tableId(), partition.id());
    try {
      Optional<LoadResult> result =
          commitRetry.call(
              () -> promoteOnce(manifests, partition, schema, term, heldAbove, reship, handover));
      if (result.isEmpty()) {
        return result;
      }
      partition.becomeLeader(term);
      partition.markNormal();
      promotions.recordSince(started);
      LOG.info(
          "promoted partition {}/{} in place: offset {}, {} tail objects read, {} held entries"
              + " shipped again, in {} ms",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          result.get().tailObjects(),
          result.get().carriedEntries(),
          (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (RuntimeException e) {
      throw failed(partition, "promotion", promotions, e);
    }
  }

  private Optional<LoadResult> promoteOnce(
      PartitionManifests manifests,
      Partition partition,
      Schema schema,
      long term,
      LongFunction<List<WalEntry>> heldAbove,
      Consumer<WalEntry> reship,
      Optional<HandOverPoint> handover) {
    long started = System.nanoTime();
    PartitionManifest base = manifests.latest(schema.schemaId());
    long manifestRead = System.nanoTime();
    long reach = base.lastOffset();
    long snapshotOffset = base.latestSnapshot().map(SnapshotRef::offset).orElse(0L);
    long historyTerm = termAt(base, partition.offset());
    if (partition.offset() > 0 && partition.lastTerm() != historyTerm) {
      // Its last entry is not the one S3's history holds at that offset: it holds a suffix of an
      // older term that the partition's later leader never had (it missed that leader, which went
      // on shipping). What S3 holds after it cannot be applied on top.
      LOG.warn(
          "partition {}/{}: held offset {} is of term {}, but S3's history has term {} there;"
              + " loading it whole",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          partition.lastTerm(),
          historyTerm);
      return Optional.empty();
    }
    if (partition.offset() < snapshotOffset) {
      LOG.info(
          "partition {}/{}: held offset {} is behind the manifest's snapshot at {}; loading it"
              + " whole",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          snapshotOffset);
      return Optional.empty();
    }
    WalFetcher fetcher = new WalFetcher(tails, partition.tableId(), partition.id());
    LogReplayer replayer =
        new LogReplayer(fetcher, ReplayTarget.of(partition, new RowPatcher(schema)));
    if (partition.offset() < reach) {
      // Behind the ranges (its old leader went on shipping after it lost touch): it reads the
      // ones it lacks, not the whole partition again.
      long held = partition.offset();
      long rangesRead = base.walRanges().stream().filter(r -> r.lastOffset() > held).count();
      LOG.info(
          "partition {}/{}: held offset {} is behind the manifest's {}; reading the {} WAL ranges"
              + " after it",
          partition.tableId(),
          partition.id(),
          held,
          reach,
          rangesRead);
      replayer.prefetch(base.walRanges(), held);
      replayer.replayRanges();
    }
    TailWalk tail = new TailWalk(store, replayer, shipper.node(), shipper.incarnation(), true);
    List<WalRange> tailRanges =
        base.tail().map(t -> tail.walk(t, handedOverAt(t, handover))).orElse(List.of());
    long inS3 =
        tailRanges.isEmpty()
            ? reach
            : Math.max(reach, tailRanges.get(tailRanges.size() - 1).lastOffset());
    // Read before handing anything on: every entry shipped again lands at this sequence or later.
    long ownNextSeq = shipper.nextSeq();
    List<WalEntry> unshipped = inS3 >= partition.offset() ? List.of() : heldAbove.apply(inS3);
    long expected = inS3 + 1;
    for (WalEntry e : unshipped) {
      if (e.offset() != expected) {
        throw notHeld(partition.offset(), expected, inS3);
      }
      expected++;
    }
    if (expected <= partition.offset()) {
      throw new IllegalStateException(
          "the replica's log ends at "
              + (expected - 1)
              + " below its offset "
              + partition.offset());
    }
    unshipped.forEach(reship);
    long tailWalked = System.nanoTime();
    PartitionManifest next =
        NextManifest.afterLoad(
            base,
            schema.schemaId(),
            tailRanges,
            term,
            shipper.node(),
            partition.offset() + 1,
            new TailPointer(shipper.node(), shipper.incarnation(), ownNextSeq));
    manifests.commit(next);
    partition.manifestCommitted(next.version());
    LOG.info(
        "partition {}/{} promotion: manifest {} read in {} ms, tail of {} objects walked{} in {}"
            + " ms, manifest {} committed in {} ms",
        partition.tableId(),
        partition.id(),
        base.version(),
        (manifestRead - started) / 1_000_000,
        tail.objectsRead(),
        tail.sealedHere() ? " and sealed" : "",
        (tailWalked - manifestRead) / 1_000_000,
        next.version(),
        (System.nanoTime() - tailWalked) / 1_000_000);
    return Optional.of(new LoadResult(next, tail.objectsRead(), inS3, unshipped.size()));
  }

  /** {@code version} of the partition's manifest is known committed (0: nothing known). */
  public void manifestSeen(Partition partition, long version) {
    if (version > 0) {
      manifests.of(partition.tableId(), partition.id()).seen(version);
    }
  }

  /**
   * Reads the partition's newest manifest ahead on {@code executor}: the replica was prepared for a
   * new term and may be promoted next, when every millisecond of that read is unavailability.
   */
  public void warmManifest(
      Partition partition,
      java.util.concurrent.Executor executor,
      java.util.function.LongSupplier hint) {
    manifests.of(partition.tableId(), partition.id()).warm(executor, hint);
  }

  /** A commit that lost to another (or cannot tell) reloads from the newest manifest. */
  private LoadResult loadWithRetries(
      Partition partition,
      Schema schema,
      long term,
      List<WalEntry> carried,
      Consumer<WalEntry> reship,
      Optional<HandOverPoint> handover) {
    PartitionManifests manifests = this.manifests.of(partition.tableId(), partition.id());
    return commitRetry.call(
        () -> loadOnce(manifests, partition, schema, term, carried, reship, handover));
  }

  /**
   * Fills a follower from S3 (replication.md §6.2): the newest manifest, its snapshot and ranges,
   * and its tail stream up to the first missing sequence — never sealing it, never committing — so
   * that the leader sends only the rest. The partition's role is left as it is; it serves when this
   * returns.
   *
   * @throws PartitionLoadException naming the partition and, if corrupt, the object
   */
  public void loadFollower(Partition partition, Schema schema) {
    long started = System.nanoTime();
    PartitionManifests manifests = this.manifests.of(partition.tableId(), partition.id());
    partition.resetForReload();
    LoadBuffer buffer = partition.newLoadBuffer();
    try {
      PartitionManifest base = manifests.latest(schema.schemaId());
      TailWalk tail = readHistory(partition, schema, base, buffer, false);
      base.tail().ifPresent(tail::walk);
      buffer.install();
      partition.markNormal();
      followerFills.recordSince(started);
      LOG.info(
          "filled follower {}/{} from S3: offset {}, {} tail objects, in {} ms (the node's loads"
              + " so far: {} WAL tails read, {} shared)",
          partition.tableId(),
          partition.id(),
          partition.offset(),
          tail.objectsRead(),
          (System.nanoTime() - started) / 1_000_000,
          tails.reads(),
          tails.shared());
    } catch (RuntimeException e) {
      buffer.discard();
      throw failed(partition, "fill", followerFills, e);
    }
  }

  /**
   * A load, fill or promotion ({@code what}) failed: the partition goes offline holding nothing and
   * saying why, the failure is counted and logged — unless the node is stopping, when it is only
   * abandoned — and the exception to throw names the partition.
   */
  private PartitionLoadException failed(
      Partition partition, String what, Tally tally, RuntimeException e) {
    String reason = stopping ? "the node is stopping" : what + " from S3 failed: " + e.getMessage();
    partition.failLoad(reason);
    if (stopping) {
      LOG.info(
          "partition {}/{}: {} abandoned, the node is stopping",
          partition.tableId(),
          partition.id(),
          what);
    } else {
      tally.failed();
      LOG.error("partition {}/{}: {}", partition.tableId(), partition.id(), reason, e);
    }
    return new PartitionLoadException(
        "partition " + partition.tableId() + "/" + partition.id() + ": " + reason, e);
  }

  /**
   * True when some leader committed a manifest for the partition (its term history is not empty).
   */
  public boolean wasLed(Partition partition, Schema schema) {
    return !manifests
        .of(partition.tableId(), partition.id())
        .latest(schema.schemaId())
        .termHistory()
        .isEmpty();
  }

  /** Reads the snapshot and ranges of {@code base} into the buffer; returns the tail's walker. */
  private TailWalk readHistory(
      Partition partition,
      Schema schema,
      PartitionManifest base,
      LoadBuffer buffer,
      boolean sealForeign) {
    WalFetcher fetcher = new WalFetcher(tails, partition.tableId(), partition.id());
    LogReplayer replayer =
        new LogReplayer(fetcher, ReplayTarget.of(buffer, new RowPatcher(schema)));
    replayer.prefetch(base.walRanges(), base.latestSnapshot().map(SnapshotRef::offset).orElse(0L));
    loadSnapshot(buffer, schema, base);
    replayer.replayRanges();
    return new TailWalk(store, replayer, shipper.node(), shipper.incarnation(), sealForeign);
  }

  /**
   * One load: the manifest's WAL ranges are fetched ahead while the snapshot is read, then applied,
   * then the tail stream; everything gathers in a {@link LoadBuffer} that becomes the partition's
   * content only once the manifest naming this node's stream is committed.
   */
  private LoadResult loadOnce(
      PartitionManifests manifests,
      Partition partition,
      Schema schema,
      long term,
      List<WalEntry> carried,
      Consumer<WalEntry> reship,
      Optional<HandOverPoint> handover) {
    partition.resetForReload();
    PartitionManifest base = manifests.latest(schema.schemaId());
    LoadBuffer buffer = partition.newLoadBuffer();
    try {
      TailWalk tail = readHistory(partition, schema, base, buffer, true);
      List<WalRange> tailRanges =
          base.tail().map(t -> tail.walk(t, handedOverAt(t, handover))).orElse(List.of());
      // Read before handing anything on: every carried entry lands at this sequence or later.
      long ownNextSeq = shipper.nextSeq();
      long inS3 = buffer.offset();
      int carriedApplied = 0;
      for (WalEntry e : carried) {
        if (e.offset() <= buffer.offset()) {
          continue;
        }
        if (e.term() < buffer.lastTerm()) {
          // A suffix of an older term than S3's last: a later leader never had it, and wrote
          // past it (what S3 holds); it was never committed there, and cannot follow S3's history.
          LOG.warn(
              "partition {}/{}: discarding {} held entries from offset {} of term {}, older than"
                  + " S3's last term {}",
              partition.tableId(),
              partition.id(),
              carried.get(carried.size() - 1).offset() - e.offset() + 1,
              e.offset(),
              e.term(),
              buffer.lastTerm());
          break;
        }
        if (e.offset() != buffer.offset() + 1) {
          // Applied, they would leave the offsets between unaccounted for, in memory and in S3.
          throw notHeld(carried.get(carried.size() - 1).offset(), buffer.offset() + 1, inS3);
        }
        buffer.termReached(e.term());
        buffer.replay(e.offset(), e.timestamp(), e.key(), e.row());
        reship.accept(e);
        carriedApplied++;
      }
      PartitionManifest next =
          NextManifest.afterLoad(
              base,
              schema.schemaId(),
              tailRanges,
              term,
              shipper.node(),
              buffer.offset() + 1,
              new TailPointer(shipper.node(), shipper.incarnation(), ownNextSeq));
      manifests.commit(next);
      partition.manifestCommitted(next.version());
      buffer.install();
      return new LoadResult(next, tail.objectsRead(), inS3, carriedApplied);
    } catch (RuntimeException e) {
      buffer.discard();
      throw e;
    }
  }

  /**
   * The term S3's history has at {@code offset}: that of the last term the manifest's history
   * starts at or before it (0 before the first).
   */
  static long termAt(PartitionManifest m, long offset) {
    long term = 0;
    for (PartitionManifest.TermStart t : m.termHistory()) {
      if (t.startOffset() <= offset) {
        term = Math.max(term, t.term());
      }
    }
    return term;
  }

  /**
   * A replica that holds entries up to {@code held} but not {@code missing}, above what S3 holds:
   * it cannot lead, neither S3 nor its log accounting for the offsets between.
   */
  private static IllegalStateException notHeld(long held, long missing, long inS3) {
    return new IllegalStateException(
        "the replica holds offsets up to "
            + held
            + " but not "
            + missing
            + " in its log, and S3 holds only up to "
            + inS3);
  }

  /**
   * The hand-over's last sequence when it names the tail's stream at or after the tail's start,
   * else -1 (seal it). A point below where the tail starts is stale: that stream's writer led the
   * partition again after the hand-over and committed a manifest past the point, so the entries
   * after the tail are its own later writes, which a walk stopping at the point would leave out (a
   * long run found an assignment carrying a point 970 sequences behind the tail, and every
   * promotion of the partition failed on the entries it left out).
   */
  private static long handedOverAt(TailPointer tail, Optional<HandOverPoint> handover) {
    Optional<HandOverPoint> point =
        handover.filter(h -> h.from().equals(tail.node()) && h.incarnation() == tail.incarnation());
    if (point.isEmpty()) {
      return -1;
    }
    if (point.get().lastSeq() + 1 < tail.nextSeq()) {
      LOG.warn(
          "hand-over point {} is behind the tail of the manifest ({}): stale, the stream is"
              + " sealed instead",
          point.get(),
          tail);
      return -1;
    }
    return point.get().lastSeq();
  }

  private void loadSnapshot(LoadBuffer buffer, Schema schema, PartitionManifest base) {
    Optional<SnapshotRef> snapshot = base.latestSnapshot();
    if (snapshot.isEmpty()) {
      return;
    }
    RowCodec rows = new RowCodec(schema);
    KeyCodec keys = new KeyCodec(schema);
    SnapshotReader reader = new SnapshotReader(store, tempDir);
    for (String key : snapshot.get().objectKeys()) {
      reader.read(
          key,
          schema,
          r ->
              buffer.snapshotRow(
                  r.offset(), r.timestamp(), keys.encode(r.row()), rows.encode(r.row())));
    }
    buffer.snapshotLoaded(snapshot.get().offset(), snapshot.get().term());
  }

  /**
   * Loads of partitions to lead (manifest, snapshot, WAL ranges, tail, commit) that succeeded, with
   * their duration, and those that failed; loads abandoned because the node stops are not counted.
   */
  public Tally leaderLoads() {
    return leaderLoads;
  }

  /**
   * Followers promoted to leader in place (tail walked and sealed, manifest committed, memory
   * kept), as {@link #leaderLoads}.
   */
  public Tally promotions() {
    return promotions;
  }

  /** Fills of followers from S3 (no seal, no commit), as {@link #leaderLoads}. */
  public Tally followerFills() {
    return followerFills;
  }

  /** The node is stopping: loads that fail from now on are abandoned quietly, not reported. */
  public void stop() {
    stopping = true;
  }

  /**
   * The manifest committed by a load, how many tail objects it read, the offset S3 held and how
   * many carried entries it applied above it.
   */
  public record LoadResult(
      PartitionManifest manifest, int tailObjects, long offsetInS3, int carriedEntries) {}
}
