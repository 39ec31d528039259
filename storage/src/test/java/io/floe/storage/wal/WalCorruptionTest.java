package io.floe.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.CorruptObjectException;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.memory.InMemoryObjectStore;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged, cut, foreign and future objects are refused with the key and byte position. */
class WalCorruptionTest {
  private static final String KEY = "wal/n1/5/00000000000000000009.wal";

  private static byte[] sample() {
    return WalGoldenFiles.valid();
  }

  @Test
  void everySingleFlippedByteIsDetected() {
    byte[] valid = sample();
    for (int i = 0; i < valid.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] bad = valid.clone();
        bad[i] ^= (byte) bit;
        int at = i;
        assertThatThrownBy(() -> WalObjectDecoder.decodeObject(KEY, bad))
            .as("flip of bit %02x at byte %d", bit, at)
            .isInstanceOf(CorruptObjectException.class)
            .hasMessageContaining(KEY);
      }
    }
  }

  @Test
  void flippedByteInABlockNamesTheBlockPosition() {
    byte[] bad = WalGoldenFiles.flippedInBlock();

    assertThatThrownBy(() -> WalObjectDecoder.decodeObject(KEY, bad))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.key()).isEqualTo(KEY);
              assertThat(e.position()).isEqualTo(WalFormat.HEADER_SIZE);
              assertThat(e.getMessage()).contains("block checksum mismatch", "table 7 partition 0");
            });
  }

  @Test
  void everyTruncationIsDetected() {
    byte[] valid = sample();
    for (int len = 0; len < valid.length; len++) {
      byte[] cut = Arrays.copyOf(valid, len);
      assertThatThrownBy(() -> WalObjectDecoder.decodeObject(KEY, cut))
          .as("cut to %d bytes", len)
          .isInstanceOf(CorruptObjectException.class);
    }
  }

  @Test
  void truncationSeenThroughTheStoreIsDetectedByTheTailRead() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    byte[] valid = sample();
    for (int len : new int[] {1, 8, 40, valid.length / 2, valid.length - 25, valid.length - 1}) {
      String key = KEY + "." + len;
      store.put(key, Arrays.copyOf(valid, len));
      assertThatThrownBy(() -> new WalObjectReader(store).readFooter(key))
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(key);
    }
  }

  @Test
  void blockCutShortByTheStoreIsNotReturnedPartially() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    byte[] valid = sample();
    WalFooter footer = WalObjectDecoder.decodeFooter(KEY, valid);
    WalBlockIndex first = footer.blocks().get(0);
    store.put(KEY, Arrays.copyOf(valid, (int) first.position() + first.length() - 3));

    assertThatThrownBy(() -> new WalObjectReader(store).readBlock(KEY, first))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> assertThat(e.position()).isEqualTo(first.position() + first.length() - 3));
  }

  @Test
  void largeObjectWithBadTailReportsAbsolutePosition() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    byte[] big = new byte[100_000];
    new Random(1).nextBytes(big);
    store.put(KEY, big);

    assertThatThrownBy(() -> new WalObjectReader(store, 1024).readFooter(KEY))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.position()).isEqualTo(big.length - 4);
              assertThat(e.problem()).contains("no WAL magic");
            });
  }

  @Test
  void foreignBytesAreRefused() {
    Random rnd = new Random(5);
    for (int round = 0; round < 200; round++) {
      byte[] junk = new byte[rnd.nextInt(500)];
      rnd.nextBytes(junk);
      assertThatThrownBy(() -> WalObjectDecoder.decodeObject(KEY, junk))
          .isInstanceOf(CorruptObjectException.class);
    }
    assertThatThrownBy(
            () -> WalObjectDecoder.decodeObject(KEY, "{\"format-version\":1}".getBytes()))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("not a WAL object");
  }

  @Test
  void unknownVersionIsRefusedByWholeAndTailReads() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    byte[] future = WalGoldenFiles.unknownVersion();
    store.put(KEY, future);

    assertThatThrownBy(() -> WalObjectDecoder.decodeObject(KEY, future))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("unknown WAL format version 99 (this reader knows 1 and 2)");
    assertThatThrownBy(() -> new WalObjectReader(store).readFooter(KEY))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> assertThat(e.position()).isEqualTo(future.length - WalFormat.TRAILER_SIZE + 16));
  }

  @Test
  void sequenceTakenBySealFencesTheWriter() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    WalObjectWriter writer = new WalObjectWriter(store);
    writer.seal(KEY);

    assertThatThrownBy(() -> writer.write(KEY, WalGoldenFiles.validBatches()))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(new WalObjectReader(store).readFooter(KEY).isSeal()).isTrue();
    assertThat(new WalObjectReader(store).readObject(KEY).blocks()).isEmpty();
  }

  @Test
  void encoderRefusesEntriesThatWouldMakeABadBlock() {
    WalObjectEncoder encoder = new WalObjectEncoder();
    encoder.beginBlock(1, 1, 2);
    encoder.append(5, 2, 1, WalOperation.PUT, new byte[0], 0, 0, new byte[0], 0, 0);

    assertThatThrownBy(
            () -> encoder.append(5, 2, 1, WalOperation.PUT, new byte[0], 0, 0, new byte[0], 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> encoder.append(6, 3, 1, WalOperation.PUT, new byte[0], 0, 0, new byte[0], 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WalEntry(1, 1, 1, WalOperation.DELETE, new byte[0], new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
