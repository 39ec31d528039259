package io.floe.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.CorruptObjectException;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectStoreConfig;
import io.floe.storage.object.S3ObjectStore;
import io.floe.storage.object.S3Stores;
import io.floe.testsupport.s3.FaultyS3Front;
import io.floe.testsupport.s3.S3Extension;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WAL objects against a real S3 endpoint (S3Proxy) over HTTP. Requests pass through a {@link
 * FaultyS3Front} that only forwards and counts them, so the request counts asserted here are the
 * ones that crossed the wire.
 */
class WalObjectsS3IT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private FaultyS3Front front;
  private S3ObjectStore store;

  @BeforeEach
  void open() {
    front = FaultyS3Front.start(S3.endpoint());
    store =
        new S3ObjectStore(
            ObjectStoreConfig.fromProperties(S3Stores.properties(S3, front.endpoint())));
  }

  @AfterEach
  void close() {
    store.close();
    front.close();
  }

  @Test
  void objectsReadBackWholeAndFooterAndBlocksWithOneGetEach() {
    Random rnd = new Random(11);
    for (int round = 0; round < 4; round++) {
      List<WalPartitionBatch> batches = nonEmpty(rnd);
      String key = WalKeys.objectKey("node-a", 3, round);
      WalObjectWriter.WalWriteResult written = new WalObjectWriter(store).write(key, batches);
      WalObjectReader reader = new WalObjectReader(store);
      List<List<WalEntry>> expected = WalRoundTripTest.expectedBlocks(batches);

      assertThat(reader.readObject(key).blocks()).extracting(WalBlock::entries).isEqualTo(expected);

      front.resetCount();
      WalFooter footer = reader.readFooter(key);
      assertThat(front.requestLines()).singleElement().asString().startsWith("GET ");
      assertThat(footer).isEqualTo(written.footer());

      for (int i = 0; i < footer.blocks().size(); i++) {
        front.resetCount();
        assertThat(reader.readBlock(key, footer.blocks().get(i)).entries())
            .isEqualTo(expected.get(i));
        assertThat(front.requestLines()).singleElement().asString().startsWith("GET ");
      }
    }
  }

  @Test
  void aSecondWriterAtTheSameSequenceLosesAndTheFirstObjectStays() {
    Random rnd = new Random(12);
    String key = WalKeys.objectKey("node-a", 4, 17);
    List<WalPartitionBatch> mine = nonEmpty(rnd);
    new WalObjectWriter(store).write(key, mine);

    assertThatThrownBy(() -> new WalObjectWriter(store).write(key, nonEmpty(rnd)))
        .isInstanceOfSatisfying(
            ObjectAlreadyExistsException.class, e -> assertThat(e.getMessage()).contains(key));
    assertThatThrownBy(() -> new WalObjectWriter(store).seal(key))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(new WalObjectReader(store).readObject(key).blocks())
        .extracting(WalBlock::entries)
        .isEqualTo(WalRoundTripTest.expectedBlocks(mine));
  }

  @Test
  void aFlippedByteInTheStoredObjectIsRefusedNamingTheKey() {
    String key = WalKeys.objectKey("node-b", 1, 2);
    WalFooter footer = new WalObjectWriter(store).write(key, nonEmpty(new Random(13))).footer();
    WalBlockIndex first = footer.blocks().get(0);
    byte[] bad = store.get(key);
    bad[(int) (first.position() + first.length() / 2)] ^= 0x10;
    store.put(key, bad); // a raw overwrite behind the WAL writer's back

    WalObjectReader reader = new WalObjectReader(store);
    assertThatThrownBy(() -> reader.readObject(key))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.key()).isEqualTo(key));
    assertThatThrownBy(() -> reader.readBlock(key, first))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).contains(key);
            });
  }

  /** Random batches with at least one block, so there is always a block to read and damage. */
  private static List<WalPartitionBatch> nonEmpty(Random rnd) {
    List<WalPartitionBatch> batches;
    do {
      batches = WalRoundTripTest.randomBatches(rnd);
    } while (batches.isEmpty());
    return batches;
  }
}
