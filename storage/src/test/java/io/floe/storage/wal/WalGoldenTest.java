package io.floe.storage.wal;

import static io.floe.storage.wal.WalGoldenFiles.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.CorruptObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checked-in WAL files of schemas/golden/wal/: spec, encoder and decoder must agree with them.
 */
class WalGoldenTest {
  static byte[] golden(String name) throws IOException {
    try (InputStream in =
        WalGoldenTest.class.getResourceAsStream("/floe/schemas/golden/wal/" + name)) {
      assertThat(in).as("golden file %s on the classpath", name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void validFileDecodesToTheDocumentedEntries() throws IOException {
    WalObject object = WalObjectDecoder.decodeObject("v1-valid.wal", golden("v1-valid.wal"));

    assertThat(object.isSeal()).isFalse();
    assertThat(object.blocks()).hasSize(4);
    WalBlock first = object.blocks().get(0);
    assertThat(first.index().tableId()).isEqualTo(7);
    assertThat(first.index().partitionId()).isZero();
    assertThat(first.index().term()).isEqualTo(3);
    assertThat(first.index().position()).isEqualTo(WalFormat.HEADER_SIZE);
    assertThat(first.entries())
        .containsExactly(
            WalEntry.put(1, 3, WalGoldenFiles.T0 + 1, b("k1"), b("row-1")),
            WalEntry.put(2, 3, WalGoldenFiles.T0 + 2, b("k2"), b("row-2")),
            WalEntry.delete(3, 3, WalGoldenFiles.T0 + 3, b("k1")));
    assertThat(object.footer().blocksOf(7, 1))
        .extracting(WalBlockIndex::term)
        .containsExactly(3L, 4L);
    assertThat(object.blocks().get(3).entries().get(0).key()).isEmpty();
  }

  @Test
  void encoderStillProducesTheGoldenBytes() throws IOException {
    assertThat(WalGoldenFiles.valid()).isEqualTo(golden("v1-valid.wal"));
    assertThat(WalObjectEncoder.encodeSeal()).isEqualTo(golden("v1-seal.wal"));
  }

  @Test
  void sealFileIsRecognisedAsSeal() throws IOException {
    WalFooter footer = WalObjectDecoder.decodeFooter("v1-seal.wal", golden("v1-seal.wal"));

    assertThat(footer.isSeal()).isTrue();
    assertThat(footer.blocks()).isEmpty();
    assertThat(footer.objectSize()).isEqualTo(WalFormat.MIN_OBJECT_SIZE);
  }

  @ParameterizedTest
  @CsvSource({
    "v1-broken-flipped-byte.wal, 8, block checksum mismatch",
    "v1-broken-truncated.wal, -1, no WAL magic in the trailer",
    "v1-broken-foreign.wal, 0, not a WAL object",
    "v1-broken-unknown-version.wal, 4, unknown WAL format version 99",
  })
  void brokenFilesAreRefusedWithTheIntendedMessage(String name, long position, String message)
      throws IOException {
    byte[] bytes = golden(name);
    long expected = position >= 0 ? position : bytes.length - 4;

    assertThatThrownBy(() -> WalObjectDecoder.decodeObject(name, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(name)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((CorruptObjectException) e).position()).isEqualTo(expected));
  }

  @Test
  void goldenDirectoryListsEveryFile() throws IOException {
    for (String name :
        List.of(
            "v1-valid.wal",
            "v1-seal.wal",
            "v1-broken-flipped-byte.wal",
            "v1-broken-truncated.wal",
            "v1-broken-foreign.wal",
            "v1-broken-unknown-version.wal")) {
      assertThat(golden(name)).isNotEmpty();
    }
  }
}
