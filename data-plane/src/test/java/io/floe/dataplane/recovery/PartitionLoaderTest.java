package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartialRow;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.cluster.PartitionAssignment.HandOverPoint;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PartitionLoaderTest {
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final RowCodec ROWS = IdNameTable.ROWS;
  static final KeyCodec KEYS = IdNameTable.KEYS;

  @TempDir Path temp;
  final FailingObjectStore store = new FailingObjectStore();

  WalShipper shipper(long incarnation) {
    return new WalShipper(
        store,
        "n1",
        incarnation,
        WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(10)));
  }

  Partition loaded(WalShipper shipper) {
    Partition p = new Partition(5, 0, new MemoryBudget(1L << 30), shipper);
    new PartitionLoader(store, shipper, temp).load(p, SCHEMA, 1);
    return p;
  }

  /** Puts ids {@code from} to {@code to}, each named {@code prefix} and its id. */
  static void putAll(Partition p, long from, long to, String prefix) throws Exception {
    for (long id = from; id <= to; id++) {
      put(p, id, prefix + id);
    }
  }

  static void put(Partition p, long id, String name) throws Exception {
    byte[] row = ROWS.encode(new Row(id, name));
    p.write(List.of(PartitionWrite.put(KEYS.encode(new Row(id, name)), row)), -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  static void delete(Partition p, long id) throws Exception {
    p.write(List.of(PartitionWrite.delete(KEYS.encodeKey(id))), -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  static String name(Partition p, long id) {
    byte[] row = p.get(KEYS.encodeKey(id));
    return row == null ? null : (String) ROWS.decode(row).get(1);
  }

  @Test
  void claimsIncreasingIncarnations() {
    assertThat(Incarnations.claim(store, "n1")).isEqualTo(1);
    assertThat(Incarnations.claim(store, "n1")).isEqualTo(2);
    assertThat(Incarnations.claim(store, "n2")).isEqualTo(1);
    var claim =
        io.floe.storage.cluster.IncarnationClaimParser.fromJson(
            store.get(Incarnations.prefix("n1") + "00000000000000000002.json"));
    assertThat(claim.node()).isEqualTo("n1");
    assertThat(claim.incarnation()).isEqualTo(2);
    assertThat(claim.pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void reloadsSnapshotRangesAndTheSealedTailOfADeadIncarnation() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first);
    putAll(p, 1, 300, "a");
    delete(p, 270);
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(p, SCHEMA);
    putAll(p, 1, 50, "b");
    delete(p, 8);
    long offset = p.offset();
    // the process dies without closing: incarnation 2 takes over
    WalShipper second = shipper(2);
    Partition reloaded = loaded(second);
    assertThat(reloaded.offset()).isEqualTo(offset);
    assertThat(name(reloaded, 1)).isEqualTo("b1");
    assertThat(name(reloaded, 100)).isEqualTo("a100");
    assertThat(name(reloaded, 270)).isNull();
    assertThat(name(reloaded, 8)).isNull();
    assertThat(reloaded.status().rowCount()).isEqualTo(298);
    // the dead stream is sealed at its next sequence: its writer is fenced
    long sealAt = first.nextSeq();
    assertThat(new WalObjectReader(store).readFooter(WalKeys.objectKey("n1", 1, sealAt)).isSeal())
        .isTrue();
    assertThatThrownBy(() -> put(p, 999, "late"))
        .hasRootCauseInstanceOf(FloeRequestException.class);
    first.close();
    second.close();
  }

  @Test
  void aCorruptWalObjectStopsTheLoadNamingItsKey() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first);
    putAll(p, 1, 20, "a");
    first.close();
    String key = WalKeys.objectKey("n1", 1, 1);
    byte[] bytes = store.get(key);
    bytes[12] ^= 0x40;
    store.put(key, bytes);
    WalShipper second = shipper(2);
    Partition broken = new Partition(5, 0, new MemoryBudget(1L << 30), second);
    assertThatThrownBy(() -> new PartitionLoader(store, second, temp).load(broken, SCHEMA, 1))
        .isInstanceOf(PartitionLoadException.class)
        .hasMessageContaining(key);
    assertThat(broken.status().state()).isEqualTo(PartitionState.OFFLINE);
    assertThat(broken.status().rowCount()).isZero();
    assertThatThrownBy(() -> broken.get(KEYS.encodeKey(1L))).hasMessageContaining(key);
    second.close();
  }

  // ---- promotion in place (replication.md §7.2) and checkpoints (recovery.md §5) ----------------

  WalShipper shipperOf(String node) {
    return new WalShipper(
        store, node, 1, WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(10)));
  }

  /** A follower on {@code node} filled from S3 as it stands now. */
  Partition follower(WalShipper shipper) {
    Partition p = new Partition(5, 0, new MemoryBudget(1L << 30), shipper);
    p.becomeFollower(1, "n1:1");
    new PartitionLoader(store, shipper, temp).loadFollower(p, SCHEMA);
    return p;
  }

  PartitionManifest latestManifest() {
    return new PartitionManifests(store, 5, 0).latest(SCHEMA.schemaId());
  }

  /** Removes the newest manifest's snapshot and listed WAL objects: a whole load would fail. */
  void removeWhatTheManifestLists() {
    PartitionManifest m = latestManifest();
    List<String> keys = new ArrayList<>();
    m.latestSnapshot().ifPresent(s -> keys.addAll(s.objectKeys()));
    m.walRanges().forEach(r -> keys.add(r.objectKey()));
    assertThat(keys).isNotEmpty();
    store.delete(keys.stream().distinct().toList());
  }

  @Test
  void promotesAFollowerInPlaceReadingOnlyTheTailItLacks() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 200, "a");
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(leader, SCHEMA);
    putAll(leader, 1, 20, "b");
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    assertThat(p.offset()).isEqualTo(leader.offset());
    // shipped by the old leader after the follower last heard from it
    putAll(leader, 21, 30, "c");
    delete(leader, 5);
    long end = leader.offset();
    removeWhatTheManifestLists();

    p.markLoading();
    p.becomeLeader(2);
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 2, o -> List.of(), own::append, Optional.empty());

    assertThat(result).isPresent();
    assertThat(result.get().offsetInS3()).isEqualTo(end);
    assertThat(result.get().carriedEntries()).isZero();
    assertThat(p.offset()).isEqualTo(end);
    assertThat(p.status().state()).isEqualTo(PartitionState.NORMAL);
    assertThat(p.role().term()).isEqualTo(2);
    assertThat(name(p, 150)).isEqualTo("a150");
    assertThat(name(p, 1)).isEqualTo("b1");
    assertThat(name(p, 25)).isEqualTo("c25");
    assertThat(name(p, 5)).isNull();
    assertThat(p.status().rowCount()).isEqualTo(199);
    PartitionManifest committed = latestManifest();
    assertThat(committed.tail().orElseThrow().node()).isEqualTo("n2");
    assertThat(committed.termHistory().get(committed.termHistory().size() - 1).term()).isEqualTo(2);
    // the old leader's stream is sealed: its next write cannot become durable
    assertThatThrownBy(() -> put(leader, 999, "late"))
        .hasRootCauseInstanceOf(FloeRequestException.class);
    // and the new leader writes on
    put(p, 31, "d31");
    assertThat(name(p, 31)).isEqualTo("d31");
    first.close();
    own.close();
  }

  /** A partial update of the name, logged as a row patch (wal-object.md §2.6). */
  static void rename(Partition p, long id, String name) throws Exception {
    PartialRow partial = new PartialRow(SCHEMA, List.of("name"));
    byte[] values = partial.encode(name);
    p.writeIf(
            KEYS.encodeKey(id),
            -1,
            true,
            current -> ROWS.encode(partial.merge(ROWS.decode(current), values)),
            partial.patch(values))
        .applied()
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPromotionInPlaceAppliesTheOldLeadersPatchesToTheRowsItHolds() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 40, "a");
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    assertThat(p.offset()).isEqualTo(leader.offset());
    // shipped by the old leader after the follower last heard from it: patches of rows the
    // follower holds, of a row it never had, and of a row patched twice
    for (long id = 1; id <= 10; id++) {
      rename(leader, id, "patched" + id);
    }
    put(leader, 41, "a41");
    rename(leader, 41, "patched41");
    rename(leader, 3, "again3");
    long end = leader.offset();

    p.markLoading();
    p.becomeLeader(2);
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 2, o -> List.of(), own::append, Optional.empty());

    assertThat(result).isPresent();
    assertThat(p.offset()).isEqualTo(end);
    assertThat(name(p, 1)).isEqualTo("patched1");
    assertThat(name(p, 3)).isEqualTo("again3");
    assertThat(name(p, 10)).isEqualTo("patched10");
    assertThat(name(p, 11)).isEqualTo("a11");
    assertThat(name(p, 41)).isEqualTo("patched41");
    assertThat(p.status().rowCount()).isEqualTo(41);
    first.close();
    own.close();
  }

  @Test
  void aHandOverPointBehindTheManifestsTailIsStaleAndThePromotionReadsAndSealsTheTail()
      throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 20, "a");
    // n1 handed the partition over at this sequence once; it led again later and checkpointed
    // past it (the snapshot moves the manifest's tail), then shipped more
    HandOverPoint longAgo = new HandOverPoint("n1", 1, 2);
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(leader, SCHEMA);
    putAll(leader, 21, 30, "b");
    assertThat(latestManifest().tail().orElseThrow().nextSeq())
        .isGreaterThan(longAgo.lastSeq() + 1);
    WalShipper own = shipperOf("n2");
    Partition p = follower(own); // filled from S3: the snapshot and the tail after it
    long end = leader.offset();
    assertThat(p.offset()).isEqualTo(end);

    p.markLoading();
    p.becomeLeader(2);
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 2, o -> List.of(), own::append, Optional.of(longAgo));

    assertThat(result).isPresent();
    assertThat(result.get().offsetInS3()).isEqualTo(end);
    assertThat(p.offset()).isEqualTo(end);
    assertThat(name(p, 25)).isEqualTo("b25");
    // the old stream is sealed, as after any fence
    assertThatThrownBy(() -> put(leader, 999, "late"))
        .hasRootCauseInstanceOf(FloeRequestException.class);
    first.close();
    own.close();
  }

  @Test
  void aPromotedFollowerShipsWhatOnlyItHolds() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 30, "a");
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    long inS3 = p.offset();
    // the old leader replicated these but died before shipping them
    List<WalEntry> held = new ArrayList<>();
    long ts = System.currentTimeMillis() * 1000;
    for (long id = 101; id <= 105; id++) {
      Row row = new Row(id, "held" + id);
      WalEntry e =
          new WalEntry(5, 0, p.offset() + 1, 1, ts + id, false, KEYS.encode(row), ROWS.encode(row));
      p.applyReplicated(e.offset(), e.term(), e.timestamp(), false, e.key(), e.row());
      held.add(e);
    }
    first.close();

    p.markLoading();
    p.becomeLeader(2);
    List<WalEntry> shipped = new ArrayList<>();
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(
                p,
                SCHEMA,
                2,
                o -> held.stream().filter(e -> e.offset() > o).toList(),
                e -> {
                  shipped.add(e);
                  own.append(e);
                },
                Optional.empty());

    assertThat(result.orElseThrow().offsetInS3()).isEqualTo(inS3);
    assertThat(result.get().carriedEntries()).isEqualTo(5);
    assertThat(shipped)
        .extracting(WalEntry::offset)
        .containsExactly(inS3 + 1, inS3 + 2, inS3 + 3, inS3 + 4, inS3 + 5);
    own.close(); // flushes what was handed to it
    // a whole load anywhere else now finds every entry, the held ones included
    WalShipper third = shipperOf("n3");
    Partition again = new Partition(5, 0, new MemoryBudget(1L << 30), third);
    new PartitionLoader(store, third, temp).load(again, SCHEMA, 3);
    assertThat(again.offset()).isEqualTo(p.offset());
    assertThat(name(again, 103)).isEqualTo("held103");
    assertThat(name(again, 7)).isEqualTo("a7");
    third.close();
  }

  /**
   * A replica whose log does not reach down to what S3 holds cannot lead with it: a whole load used
   * to apply such entries on top of S3's history, leaving the offsets between held nowhere.
   */
  @Test
  void aWholeLoadRefusesHeldEntriesThatLeaveAGapAboveWhatS3Holds() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 30, "a");
    long inS3 = leader.offset();
    first.close();
    long ts = System.currentTimeMillis() * 1000;
    List<WalEntry> held = new ArrayList<>();
    for (long o = inS3 + 3; o <= inS3 + 5; o++) {
      Row row = new Row(100 + o, "held" + o);
      held.add(new WalEntry(5, 0, o, 1, ts + o, false, KEYS.encode(row), ROWS.encode(row)));
    }
    WalShipper own = shipperOf("n2");
    Partition p = new Partition(5, 0, new MemoryBudget(1L << 30), own);
    p.becomeLeader(2);
    long manifestVersion = latestManifest().version();
    List<WalEntry> shipped = new ArrayList<>();

    assertThatThrownBy(
            () ->
                new PartitionLoader(store, own, temp)
                    .load(p, SCHEMA, 2, held, shipped::add, Optional.empty()))
        .isInstanceOf(PartitionLoadException.class)
        .hasMessageContaining(
            "holds offsets up to " + (inS3 + 5) + " but not " + (inS3 + 1) + " in its log");
    assertThat(shipped).isEmpty();
    assertThat(latestManifest().version()).as("nothing committed").isEqualTo(manifestVersion);
    assertThat(p.role().state()).isEqualTo(PartitionState.OFFLINE);
    own.close();
  }

  /**
   * A follower that lost touch with its leader while the leader went on shipping (cut off from it)
   * is behind the manifest's ranges, not its snapshot: it reads the ranges it lacks in place rather
   * than the whole partition again.
   */
  @Test
  void aFollowerBehindTheManifestsRangesOnlyReadsTheRangesItLacks() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    Snapshotter snapshots = new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp);
    putAll(leader, 1, 30, "a");
    snapshots.checkpoint(leader, SCHEMA);
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    long held = p.offset();
    putAll(leader, 31, 40, "a");
    snapshots.checkpoint(leader, SCHEMA);
    put(leader, 41, "a41");
    assertThat(latestManifest().lastOffset()).isGreaterThan(held);
    first.close();
    int readsBefore = store.tailReads.get();

    p.markLoading();
    p.becomeLeader(2);
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 2, o -> List.of(), own::append, Optional.empty());

    assertThat(result).as("promoted in place").isPresent();
    assertThat(p.offset()).isEqualTo(leader.offset());
    for (long id = 1; id <= 41; id++) {
      assertThat(name(p, id)).isEqualTo("a" + id);
    }
    assertThat(store.tailReads.get() - readsBefore)
        .as("the 10 objects it lacked, the tail's, and the tail walk's look past its end")
        .isLessThanOrEqualTo(10 + 1 + TailWalk.WINDOW);
    own.close();
  }

  /** An entry of term {@code term} at {@code offset} putting {@code (id, name)}. */
  static WalEntry entry(long offset, long term, long id, String name) {
    Row row = new Row(id, name);
    return new WalEntry(
        5,
        0,
        offset,
        term,
        System.currentTimeMillis() * 1000,
        false,
        KEYS.encode(row),
        ROWS.encode(row));
  }

  /**
   * A replica holding a suffix of an older term that a later leader never had (it missed that
   * leader, which wrote other entries at those offsets and shipped them) cannot be promoted in
   * place: what S3 holds after its offset does not follow what it holds.
   */
  @Test
  void aReplicaWhoseLastEntryIsNotS3sAtThatOffsetIsNotPromotedInPlace() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 30, "a");
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    WalEntry stale = entry(p.offset() + 1, 1, 999, "never committed");
    p.applyReplicated(stale.offset(), 1, stale.timestamp(), false, stale.key(), stale.row());
    first.close();
    WalShipper later = shipperOf("n3");
    Partition second = new Partition(5, 0, new MemoryBudget(1L << 30), later);
    new PartitionLoader(store, later, temp).load(second, SCHEMA, 2);
    putAll(second, 31, 35, "b");
    later.close();
    long manifestVersion = latestManifest().version();

    p.markLoading();
    p.becomeLeader(3);
    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 3, o -> List.of(stale), own::append, Optional.empty());

    assertThat(result).as("loaded whole instead").isEmpty();
    assertThat(latestManifest().version()).isEqualTo(manifestVersion);

    // The whole load that follows keeps S3's history and drops the stale suffix.
    List<WalEntry> shipped = new ArrayList<>();
    new PartitionLoader(store, own, temp)
        .load(p, SCHEMA, 3, List.of(stale), shipped::add, Optional.empty());
    assertThat(p.offset()).isEqualTo(second.offset());
    assertThat(name(p, 31)).isEqualTo("b31");
    assertThat(name(p, 999)).isNull();
    assertThat(shipped).isEmpty();
    own.close();
  }

  /**
   * Held entries above what S3 holds, of an older term than S3's last, are a suffix a later leader
   * never had: a whole load drops them rather than apply them after that leader's entries.
   */
  @Test
  void aWholeLoadDropsHeldEntriesOfATermOlderThanS3sLast() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 10, "a");
    first.close();
    long before = leader.offset();
    WalShipper later = shipperOf("n3");
    Partition second = new Partition(5, 0, new MemoryBudget(1L << 30), later);
    new PartitionLoader(store, later, temp).load(second, SCHEMA, 2);
    put(second, 11, "b11");
    later.close();
    List<WalEntry> held = new ArrayList<>();
    for (long o = before + 1; o <= before + 3; o++) {
      held.add(entry(o, 1, 900 + o, "old" + o));
    }
    WalShipper own = shipperOf("n2");
    Partition p = new Partition(5, 0, new MemoryBudget(1L << 30), own);
    p.becomeLeader(3);
    List<WalEntry> shipped = new ArrayList<>();

    var result =
        new PartitionLoader(store, own, temp)
            .load(p, SCHEMA, 3, held, shipped::add, Optional.empty());

    assertThat(p.offset()).isEqualTo(before + 1);
    assertThat(name(p, 11)).isEqualTo("b11");
    assertThat(result.carriedEntries()).isZero();
    assertThat(shipped).isEmpty();
    own.close();
  }

  @Test
  void aFollowerBehindTheManifestIsNotPromotedInPlaceAndKeepsWhatItHeld() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    putAll(leader, 1, 30, "a");
    WalShipper own = shipperOf("n2");
    Partition p = follower(own);
    long held = p.offset();
    putAll(leader, 31, 40, "a");
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(leader, SCHEMA);
    long manifestVersion = latestManifest().version();
    int createsBefore = store.creates.get();

    var result =
        new PartitionLoader(store, own, temp)
            .promoteInPlace(p, SCHEMA, 2, o -> List.of(), own::append, Optional.empty());

    assertThat(result).isEmpty();
    assertThat(p.offset()).isEqualTo(held);
    assertThat(ROWS.decode(p.getAny(KEYS.encodeKey(30L)).row()).get(1)).isEqualTo("a30");
    assertThat(latestManifest().version()).isEqualTo(manifestVersion);
    assertThat(store.creates.get()).as("no seal, no commit").isEqualTo(createsBefore);
    first.close();
    own.close();
  }

  @Test
  void checkpointsKeepTheNextLeadersTailWalkShort() throws Exception {
    WalShipper first = shipper(1);
    Partition leader = loaded(first);
    Snapshotter snapshots = new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp);
    putAll(leader, 1, 20, "a"); // each waits for its own WAL object
    long before = latestManifest().version();
    var checkpoint = snapshots.checkpoint(leader, SCHEMA);
    assertThat(checkpoint).isPresent();
    assertThat(checkpoint.get().version()).isEqualTo(before + 1);
    assertThat(checkpoint.get().lastOffset()).isEqualTo(leader.offset());
    assertThat(checkpoint.get().tail().orElseThrow().nextSeq()).isEqualTo(first.nextSeq());
    var log = first.shippedLog(5, 0);
    assertThat(log.ranges()).isEmpty();
    assertThat(log.bytes()).as("still counts towards the next snapshot").isPositive();
    assertThat(snapshots.checkpoint(leader, SCHEMA)).as("nothing shipped since").isEmpty();
    putAll(leader, 21, 23, "a");
    // a snapshot after the checkpoint lists the rest; a checkpoint after it lists what follows
    snapshots.snapshot(leader, SCHEMA);
    put(leader, 24, "a24");
    snapshots.checkpoint(leader, SCHEMA);
    put(leader, 25, "a25");

    WalShipper second = shipper(2);
    Partition reloaded = new Partition(5, 0, new MemoryBudget(1L << 30), second);
    var result = new PartitionLoader(store, second, temp).load(reloaded, SCHEMA, 2);
    assertThat(result.tailObjects()).as("only what followed the last checkpoint").isEqualTo(1);
    assertThat(reloaded.offset()).isEqualTo(leader.offset());
    for (long id = 1; id <= 25; id++) {
      assertThat(name(reloaded, id)).isEqualTo("a" + id);
    }
    // The deposed leader's next checkpoint builds on what it committed last: the new leader's
    // version is there, so the commit fails; the one after reads S3 and gives up for good.
    put(reloaded, 26, "a26");
    long versionBefore = latestManifest().version();
    assertThatThrownBy(() -> snapshots.checkpoint(leader, SCHEMA))
        .isInstanceOf(io.floe.storage.commit.CommitFailedException.class);
    assertThatThrownBy(() -> snapshots.checkpoint(leader, SCHEMA))
        .isInstanceOf(io.floe.dataplane.snapshot.SnapshotAbandonedException.class);
    assertThat(latestManifest().version()).isEqualTo(versionBefore);
    first.close();
    second.close();
  }
}
