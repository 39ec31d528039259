package io.floe.storage.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Property test of manifest building against a model of one partition's life: writes, WAL flushes
 * (blocks in numbered objects of one stream per incarnation), snapshots cut at the applied offset
 * (often ahead of what is shipped), clean stops and crashes followed by loads. After every version:
 * it passes the reader's checks and survives a JSON round trip, lists no covered range and no block
 * twice, and a reader that loads snapshot + ranges + the tail stream reaches exactly the durable
 * offset.
 */
class NextManifestTest {
  record Block(String key, long first, long last) {
    WalRange range() {
      return new WalRange(key, 0, 64, first, last, first * 10, last * 10, 1);
    }
  }

  /** Stream of each incarnation: seq → block of this partition. */
  final TreeMap<Long, TreeMap<Long, Block>> streams = new TreeMap<>();

  long incarnation;
  long applied;
  long shippedUpTo;
  long nextSeq;
  List<WalRange> log = new ArrayList<>();
  PartitionManifest manifest;

  @Test
  void everyVersionLoadsToTheDurableOffsetOverThousandsOfRandomHistories() {
    for (long seed = 1; seed <= 2_000; seed++) {
      runHistory(new Random(seed));
    }
  }

  private void runHistory(Random random) {
    streams.clear();
    incarnation = 0;
    applied = 0;
    shippedUpTo = 0;
    manifest = NextManifest.empty(7, 3, 0);
    restart();
    for (int step = 0; step < 60; step++) {
      switch (random.nextInt(6)) {
        case 0, 1 -> applied += 1 + random.nextInt(20);
        case 2 -> flush();
        case 3 -> snapshot();
        case 4 -> {
          flush(); // clean stop
          restart();
        }
        default -> {
          // crash: what was not shipped is lost, unless a snapshot already holds it
          long snapshot = manifest.latestSnapshot().map(SnapshotRef::offset).orElse(0L);
          applied = Math.max(shippedUpTo, snapshot);
          restart();
        }
      }
    }
  }

  private void flush() {
    if (applied > shippedUpTo) {
      Block b = new Block("wal/n1/" + incarnation + "/" + nextSeq, shippedUpTo + 1, applied);
      streams.get(incarnation).put(nextSeq++, b);
      log.add(b.range());
      shippedUpTo = applied;
    }
  }

  private void snapshot() {
    SnapshotRef ref = new SnapshotRef(applied, 1, List.of("s/" + applied), 1, 1);
    commit(
        NextManifest.afterSnapshot(
            manifest, 0, ref, log, new TailPointer("n1", incarnation, nextSeq)));
    log = new ArrayList<>();
  }

  private void restart() {
    long durable = loadedOffset(manifest);
    // the tail walk reads the named stream from next-seq (blocks the snapshot holds included)
    List<WalRange> tail = new ArrayList<>();
    manifest
        .tail()
        .ifPresent(
            t ->
                streams
                    .get(t.incarnation())
                    .tailMap(t.nextSeq(), true)
                    .values()
                    .forEach(b -> tail.add(b.range())));
    incarnation++;
    streams.put(incarnation, new TreeMap<>());
    nextSeq = 1;
    log = new ArrayList<>();
    commit(
        NextManifest.afterLoad(
            manifest, 0, tail, 1, "n1", durable + 1, new TailPointer("n1", incarnation, 1)));
    assertThat(loadedOffset(manifest)).isEqualTo(durable);
    applied = durable;
    shippedUpTo = durable;
  }

  private void commit(PartitionManifest next) {
    assertThat(next.version()).isEqualTo(manifest.version() + 1);
    PartitionManifest read =
        PartitionManifestParser.fromJson(
            PartitionManifestParser.toJson(next).getBytes(StandardCharsets.UTF_8), next.version());
    assertThat(read).isEqualTo(next);
    long snapshot = next.latestSnapshot().map(SnapshotRef::offset).orElse(0L);
    Set<String> blocks = new HashSet<>();
    for (WalRange r : next.walRanges()) {
      assertThat(r.lastOffset()).as("no range the snapshot covers").isGreaterThan(snapshot);
      assertThat(blocks.add(r.objectKey())).as("each block once").isTrue();
    }
    manifest = next;
  }

  /** What a loader reaches: snapshot, then ranges, then the tail stream, stopping at a gap. */
  private long loadedOffset(PartitionManifest m) {
    long offset = m.latestSnapshot().map(SnapshotRef::offset).orElse(0L);
    List<WalRange> all = new ArrayList<>(m.walRanges());
    m.tail()
        .ifPresent(
            t -> {
              TreeMap<Long, Block> stream = streams.get(t.incarnation());
              for (long seq = t.nextSeq(); stream != null && stream.containsKey(seq); seq++) {
                all.add(stream.get(seq).range());
              }
            });
    for (WalRange r : all) {
      if (r.lastOffset() <= offset) {
        continue;
      }
      assertThat(r.firstOffset()).as("no gap before %s", r).isLessThanOrEqualTo(offset + 1);
      offset = r.lastOffset();
    }
    return offset;
  }

  @Test
  void refusesToBuildAManifestWithAGap() {
    PartitionManifest base = NextManifest.empty(7, 3, 0);
    List<WalRange> gap = List.of(new Block("a", 1, 10).range(), new Block("b", 12, 20).range());
    assertThatThrownBy(
            () -> NextManifest.afterLoad(base, 0, gap, 1, "n1", 21, new TailPointer("n1", 1, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wal-ranges[1].first-offset must be 11");
  }

  @Test
  void aReaderSkipsLeadingRangesTheSnapshotCovers() {
    // what an earlier writer left after a restart: it must load, not stay offline for good
    PartitionManifest old =
        new PartitionManifest(
            7,
            3,
            5,
            0,
            List.of(new SnapshotRef(1150, 1, List.of("s"), 1, 1)),
            List.of(new Block("w", 1101, 1150).range(), new Block("x", 1151, 1160).range()),
            List.of(),
            Optional.of(new TailPointer("n1", 2, 1)));
    assertThat(
            PartitionManifestParser.fromJson(
                PartitionManifestParser.toJson(old).getBytes(StandardCharsets.UTF_8), 5))
        .isEqualTo(old);
  }
}
