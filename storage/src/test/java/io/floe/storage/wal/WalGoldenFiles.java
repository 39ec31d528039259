package io.floe.storage.wal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The content of the checked-in golden WAL files (schemas/golden/wal/) and how the broken ones are
 * derived from the valid one. {@link #main} rewrites them; run it only for a new format version,
 * never to make a failing golden test pass.
 */
public final class WalGoldenFiles {
  static final long T0 = 1_700_000_000_000_000L;

  private WalGoldenFiles() {}

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Table 7 partitions 0 and 1 (with a term change), table 9 partition 2 (empty key). */
  static List<WalPartitionBatch> validBatches() {
    return List.of(
        new WalPartitionBatch(
            7,
            0,
            List.of(
                WalEntry.put(1, 3, T0 + 1, b("k1"), b("row-1")),
                WalEntry.put(2, 3, T0 + 2, b("k2"), b("row-2")),
                WalEntry.delete(3, 3, T0 + 3, b("k1")))),
        new WalPartitionBatch(
            7,
            1,
            List.of(
                WalEntry.put(10, 3, T0 + 5, b("a"), b("alpha")),
                WalEntry.put(11, 4, T0 + 6, b("b"), new byte[0]))),
        new WalPartitionBatch(
            9, 2, List.of(WalEntry.put(1, 1, T0 + 9, new byte[0], b("empty key")))));
  }

  static byte[] valid() {
    return WalObjectEncoder.encode(validBatches());
  }

  /** One byte flipped inside the first block's entries (the 'k' of key "k1"). */
  static byte[] flippedInBlock() {
    byte[] b = valid();
    int at = WalFormat.HEADER_SIZE + WalFormat.BLOCK_HEADER_SIZE + WalFormat.ENTRY_HEADER_SIZE;
    b[at] ^= 0x20;
    return b;
  }

  /** The valid object cut in the middle of its footer. */
  static byte[] truncated() {
    byte[] b = valid();
    return Arrays.copyOf(b, b.length - WalFormat.TRAILER_SIZE - 10);
  }

  /** Bytes that are not a WAL object at all (the start of a Parquet file). */
  static byte[] foreign() {
    byte[] b = b("PAR1 this is not a WAL object, just some foreign bytes........PAR1");
    return b;
  }

  /** The valid object claiming format version 99 in header and trailer. */
  static byte[] unknownVersion() {
    byte[] b = valid();
    WalFormat.putShort(b, 4, 99);
    WalFormat.putShort(b, b.length - WalFormat.TRAILER_SIZE + 16, 99);
    return b;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "schemas/golden/wal");
    Files.createDirectories(dir);
    Files.write(dir.resolve("v1-valid.wal"), valid());
    Files.write(dir.resolve("v1-seal.wal"), WalObjectEncoder.encodeSeal());
    Files.write(dir.resolve("v1-broken-flipped-byte.wal"), flippedInBlock());
    Files.write(dir.resolve("v1-broken-truncated.wal"), truncated());
    Files.write(dir.resolve("v1-broken-foreign.wal"), foreign());
    Files.write(dir.resolve("v1-broken-unknown-version.wal"), unknownVersion());
  }
}
