package io.floe.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.storage.object.CountingObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property tests: whatever batches go in come out, whole or block by block. */
class WalRoundTripTest {
  private static final String KEY = WalKeys.objectKey("node-a", 42, 7);

  static List<WalPartitionBatch> randomBatches(Random rnd) {
    int partitions = rnd.nextInt(12);
    List<WalPartitionBatch> batches = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      long term = 1 + rnd.nextInt(5);
      long offset = 1 + rnd.nextInt(1000);
      long ts = rnd.nextLong() >>> 2;
      List<WalEntry> entries = new ArrayList<>();
      int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 300);
      for (int i = 0; i < n; i++) {
        if (rnd.nextInt(50) == 0) {
          term++;
        }
        offset += 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(3) : 0);
        ts += rnd.nextInt(3);
        byte[] key = bytes(rnd, rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(40));
        if (rnd.nextInt(8) == 0) {
          entries.add(WalEntry.delete(offset, term, ts, key));
        } else {
          int rowLen = rnd.nextInt(100) == 0 ? 200_000 + rnd.nextInt(200_000) : rnd.nextInt(300);
          entries.add(
              WalEntry.put(offset, term, ts, key, bytes(rnd, rnd.nextInt(10) == 0 ? 0 : rowLen)));
        }
      }
      batches.add(new WalPartitionBatch(rnd.nextInt(3), p, entries));
    }
    return batches;
  }

  static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** The batches as the blocks the encoder must produce: one per run of equal terms. */
  static List<List<WalEntry>> expectedBlocks(List<WalPartitionBatch> batches) {
    List<List<WalEntry>> blocks = new ArrayList<>();
    for (WalPartitionBatch batch : batches) {
      List<WalEntry> current = null;
      for (WalEntry e : batch.entries()) {
        if (current == null || current.get(0).term() != e.term()) {
          current = new ArrayList<>();
          blocks.add(current);
        }
        current.add(e);
      }
    }
    return blocks;
  }

  @Test
  void anObjectWithPatchesIsVersionTwoAndItsPatchesComeBackAsPatches() {
    byte[] patch = {1, 0, 2, 0, 9, 9, 9};
    List<WalEntry> entries =
        List.of(
            WalEntry.put(1, 1, 10, new byte[] {1}, new byte[] {5, 5}),
            new WalEntry(2, 1, 11, WalOperation.PATCH, new byte[] {1}, patch),
            WalEntry.delete(3, 1, 12, new byte[] {1}));
    byte[] bytes = WalObjectEncoder.encode(List.of(new WalPartitionBatch(4, 0, entries)));

    assertThat(WalFormat.getShort(bytes, 4)).as("header version").isEqualTo(2);
    assertThat(WalFormat.getShort(bytes, bytes.length - WalFormat.TRAILER_SIZE + 16))
        .as("trailer version")
        .isEqualTo(2);
    WalObject object = WalObjectDecoder.decodeObject(KEY, bytes);
    assertThat(object.blocks().get(0).entries()).isEqualTo(entries);

    byte[] withoutPatches =
        WalObjectEncoder.encode(List.of(new WalPartitionBatch(4, 0, entries.subList(0, 1))));
    assertThat(WalFormat.getShort(withoutPatches, 4)).as("no patch: version 1").isEqualTo(1);
    assertThatThrownBy(
            () ->
                WalObjectEncoder.encode(
                    List.of(
                        new WalPartitionBatch(
                            4,
                            0,
                            List.of(
                                new WalEntry(
                                    5, 1, 1, WalOperation.PATCH, new byte[] {1}, new byte[1]))))))
        .hasMessageContaining("a patch of 1 bytes");
  }

  @Test
  void wholeObjectsRoundTrip() {
    Random rnd = new Random(20240601);
    for (int round = 0; round < 150; round++) {
      List<WalPartitionBatch> batches = randomBatches(rnd);
      WalObject object = WalObjectDecoder.decodeObject(KEY, WalObjectEncoder.encode(batches));

      assertThat(object.blocks()).extracting(WalBlock::entries).isEqualTo(expectedBlocks(batches));
      for (WalBlock block : object.blocks()) {
        List<WalEntry> entries = block.entries();
        assertThat(block.index().firstOffset()).isEqualTo(entries.get(0).offset());
        assertThat(block.index().lastOffset()).isEqualTo(entries.get(entries.size() - 1).offset());
        assertThat(block.index().entryCount()).isEqualTo(entries.size());
      }
    }
  }

  @Test
  void footerWithOneTailReadThenEachBlockWithOneRangedRead() {
    Random rnd = new Random(7);
    for (int round = 0; round < 30; round++) {
      CountingObjectStore store = new CountingObjectStore();
      List<WalPartitionBatch> batches = randomBatches(rnd);
      String key = WalKeys.objectKey("n1", 1, round);
      WalObjectWriter.WalWriteResult written = new WalObjectWriter(store).write(key, batches);
      WalObjectReader reader = new WalObjectReader(store);

      store.reads.set(0);
      WalFooter footer = reader.readFooter(key);
      assertThat(store.reads).hasValue(1);
      assertThat(footer).isEqualTo(written.footer());

      List<List<WalEntry>> expected = expectedBlocks(batches);
      for (int i = 0; i < footer.blocks().size(); i++) {
        store.reads.set(0);
        assertThat(reader.readBlock(key, footer.blocks().get(i)).entries())
            .isEqualTo(expected.get(i));
        assertThat(store.reads).hasValue(1);
      }
    }
  }

  @Test
  void largeFooterNeedsOneMoreRead() {
    CountingObjectStore store = new CountingObjectStore();
    List<WalPartitionBatch> batches = new ArrayList<>();
    for (int p = 0; p < 2000; p++) {
      batches.add(
          new WalPartitionBatch(
              1, p, List.of(WalEntry.put(1, 1, 5, new byte[] {1}, new byte[] {2}))));
    }
    new WalObjectWriter(store).write("wal/n/1/big.wal", batches);
    WalObjectReader reader = new WalObjectReader(store, 4096);

    WalFooter footer = reader.readFooter("wal/n/1/big.wal");

    assertThat(footer.blocks()).hasSize(2000);
    assertThat(store.reads).hasValue(2);
    assertThat(reader.readBlock("wal/n/1/big.wal", footer.blocksOf(1, 1999).get(0)).entries())
        .hasSize(1);
  }

  @Test
  void visitorSeesTheSameEntriesWithoutCopies() {
    List<WalPartitionBatch> batches = randomBatches(new Random(3));
    byte[] object = WalObjectEncoder.encode(batches);
    WalFooter footer = WalObjectDecoder.decodeFooter(KEY, object);
    List<WalEntry> seen = new ArrayList<>();

    for (WalBlockIndex index : footer.blocks()) {
      WalObjectDecoder.visitBlock(
          KEY,
          index,
          object,
          (int) index.position(),
          object.length - (int) index.position(),
          (offset, term, ts, op, buf, ko, kl, ro, rl) ->
              seen.add(
                  new WalEntry(
                      offset,
                      term,
                      ts,
                      op,
                      java.util.Arrays.copyOfRange(buf, ko, ko + kl),
                      java.util.Arrays.copyOfRange(buf, ro, ro + rl))));
    }

    assertThat(seen).isEqualTo(batches.stream().flatMap(b -> b.entries().stream()).toList());
  }

  @Test
  void reusedEncoderProducesIdenticalObjects() {
    List<WalPartitionBatch> batches = randomBatches(new Random(11));
    WalObjectEncoder encoder = new WalObjectEncoder(16);
    batches.forEach(encoder::appendBatch);
    byte[] first = encoder.finish();
    batches.forEach(encoder::appendBatch);

    assertThat(encoder.finish()).isEqualTo(first).isEqualTo(WalObjectEncoder.encode(batches));
  }

  @Test
  void emptyObjectHasNoBlocks() {
    WalObject object = WalObjectDecoder.decodeObject(KEY, WalObjectEncoder.encode(List.of()));

    assertThat(object.blocks()).isEmpty();
    assertThat(object.isSeal()).isFalse();
  }
}
