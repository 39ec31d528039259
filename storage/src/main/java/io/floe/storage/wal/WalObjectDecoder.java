package io.floe.storage.wal;

import static io.floe.storage.wal.WalFormat.*;

import io.floe.core.format.CorruptObjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Parses and verifies WAL objects (schemas/spec/wal-object.md). Every problem is a {@link
 * CorruptObjectException} naming the key and the absolute byte position; a block is verified whole
 * (checksum and structure) before any of its entries is handed out.
 */
public final class WalObjectDecoder {
  private WalObjectDecoder() {}

  /**
   * Reads the trailer from the last bytes of an object. {@code tailStart} is the absolute position
   * of {@code tail[0]}, or -1 when unknown (the tail may be a suffix of a larger object): then the
   * object's size is taken from the trailer.
   */
  static WalTrailer decodeTrailer(String key, byte[] tail, long tailStart) {
    long reportBase = tailStart < 0 ? 0 : tailStart;
    if (tail.length < TRAILER_SIZE) {
      throw new CorruptObjectException(
          key,
          reportBase,
          "only " + tail.length + " bytes: too short for a WAL object (truncated?)");
    }
    int t = tail.length - TRAILER_SIZE;
    if (getInt(tail, t + 20) != MAGIC) {
      throw new CorruptObjectException(
          key,
          reportBase + t + 20,
          "no WAL magic in the trailer (object truncated or not a WAL object)");
    }
    long footerOffset = getLong(tail, t);
    int footerLength = getInt(tail, t + 8);
    long objectSize =
        tailStart < 0 ? footerOffset + footerLength + TRAILER_SIZE : tailStart + tail.length;
    long trailerPos = objectSize - TRAILER_SIZE;
    checkVersion(key, getShort(tail, t + 16), trailerPos + 16);
    WalObjectKind kind = WalObjectKind.ofCode(tail[t + 18]);
    if (kind == null) {
      throw new CorruptObjectException(
          key, trailerPos + 18, "unknown WAL object kind " + tail[t + 18]);
    }
    if (tail[t + 19] != 0) {
      throw new CorruptObjectException(
          key, trailerPos + 19, "reserved trailer byte is " + tail[t + 19]);
    }
    if (footerOffset < HEADER_SIZE
        || footerLength < FOOTER_HEADER_SIZE
        || (footerLength - FOOTER_HEADER_SIZE) % INDEX_ENTRY_SIZE != 0
        || footerOffset + footerLength != trailerPos) {
      throw new CorruptObjectException(
          key,
          trailerPos,
          "footer at "
              + footerOffset
              + " of "
              + footerLength
              + " bytes does not end at the trailer ("
              + trailerPos
              + "): object truncated, extended or damaged");
    }
    return new WalTrailer(kind, footerOffset, footerLength, getInt(tail, t + 12), objectSize);
  }

  static void checkVersion(String key, int version, long position) {
    if (version != VERSION && version != VERSION_PATCHES) {
      throw new CorruptObjectException(
          key,
          position,
          "unknown WAL format version "
              + version
              + " (this reader knows "
              + VERSION
              + " and "
              + VERSION_PATCHES
              + ")");
    }
  }

  /**
   * Decodes the footer. {@code bytes} must hold the footer and the trailer and end at the end of
   * the object; {@code bytesStart} is the absolute position of {@code bytes[0]}.
   */
  static WalFooter decodeFooter(String key, WalTrailer trailer, byte[] bytes, long bytesStart) {
    int f = (int) (trailer.footerOffset() - bytesStart);
    CRC32C crc = new CRC32C();
    crc.update(bytes, f, trailer.footerLength());
    if ((int) crc.getValue() != trailer.footerChecksum()) {
      throw new CorruptObjectException(key, trailer.footerOffset(), "footer checksum mismatch");
    }
    int count = getInt(bytes, f);
    if (count < 0
        || FOOTER_HEADER_SIZE + (long) count * INDEX_ENTRY_SIZE != trailer.footerLength()) {
      throw new CorruptObjectException(
          key,
          trailer.footerOffset(),
          "footer claims " + count + " blocks in " + trailer.footerLength() + " bytes");
    }
    if (trailer.kind() == WalObjectKind.SEAL && count != 0) {
      throw new CorruptObjectException(
          key, trailer.footerOffset(), "a seal object holding " + count + " blocks");
    }
    List<WalBlockIndex> blocks = new ArrayList<>(count);
    long expectedPosition = HEADER_SIZE;
    for (int i = 0; i < count; i++) {
      int at = f + FOOTER_HEADER_SIZE + i * INDEX_ENTRY_SIZE;
      WalBlockIndex b = readIndexEntry(bytes, at);
      checkIndexEntry(key, b, expectedPosition, bytesStart + at);
      expectedPosition = b.end();
      blocks.add(b);
    }
    if (expectedPosition != trailer.footerOffset()) {
      throw new CorruptObjectException(
          key,
          trailer.footerOffset(),
          "blocks end at " + expectedPosition + " but the footer starts here");
    }
    return new WalFooter(trailer.kind(), VERSION, trailer.objectSize(), blocks);
  }

  private static WalBlockIndex readIndexEntry(byte[] b, int at) {
    return new WalBlockIndex(
        getLong(b, at),
        getInt(b, at + 8),
        getLong(b, at + 12),
        getLong(b, at + 20),
        getLong(b, at + 28),
        getLong(b, at + 36),
        getLong(b, at + 44),
        getLong(b, at + 52),
        getInt(b, at + 60),
        getInt(b, at + 64),
        getInt(b, at + 68));
  }

  private static void checkIndexEntry(String key, WalBlockIndex b, long expectedPosition, long at) {
    String problem = null;
    if (b.position() != expectedPosition) {
      problem = "block at " + b.position() + " where " + expectedPosition + " was expected";
    } else if (b.length() < BLOCK_HEADER_SIZE + BLOCK_CRC_SIZE + ENTRY_HEADER_SIZE) {
      problem = "block length " + b.length() + " too small";
    } else if (b.entryCount() < 1
        || b.firstOffset() > b.lastOffset()
        || b.minTimestamp() > b.maxTimestamp()) {
      problem = "inconsistent block index entry " + b;
    }
    if (problem != null) {
      throw new CorruptObjectException(key, at, problem);
    }
  }

  /** Reads and verifies the footer of a whole object held in memory. */
  public static WalFooter decodeFooter(String key, byte[] object) {
    checkHeader(key, object);
    WalTrailer trailer = decodeTrailer(key, object, 0);
    if (WalObjectKind.ofCode(object[6]) != trailer.kind()) {
      throw new CorruptObjectException(
          key, 6, "header kind " + object[6] + " differs from the trailer's");
    }
    return decodeFooter(key, trailer, object, 0);
  }

  private static void checkHeader(String key, byte[] object) {
    if (object.length < HEADER_SIZE || getInt(object, 0) != MAGIC) {
      throw new CorruptObjectException(key, 0, "no WAL magic at the start: not a WAL object");
    }
    checkVersion(key, getShort(object, 4), 4);
    if (object[7] != 0) {
      throw new CorruptObjectException(key, 7, "reserved header byte is " + object[7]);
    }
  }

  /** Reads and verifies a whole object held in memory, copying out every entry. */
  public static WalObject decodeObject(String key, byte[] object) {
    WalFooter footer = decodeFooter(key, object);
    List<WalBlock> blocks = new ArrayList<>(footer.blocks().size());
    for (WalBlockIndex index : footer.blocks()) {
      blocks.add(decodeBlock(key, index, object, (int) index.position()));
    }
    return new WalObject(footer, blocks);
  }

  /**
   * Verifies one block held at {@code bytes[off..off+index.length())} and copies out its entries.
   */
  public static WalBlock decodeBlock(String key, WalBlockIndex index, byte[] bytes, int off) {
    List<WalEntry> entries = new ArrayList<>(index.entryCount());
    visitBlock(
        key,
        index,
        bytes,
        off,
        bytes.length - off,
        (offset, term, ts, op, buf, ko, kl, ro, rl) ->
            entries.add(new WalEntry(offset, term, ts, op, copy(buf, ko, kl), copy(buf, ro, rl))));
    return new WalBlock(index, entries);
  }

  private static byte[] copy(byte[] buf, int off, int len) {
    byte[] out = new byte[len];
    System.arraycopy(buf, off, out, 0, len);
    return out;
  }

  /**
   * Verifies one block (checksum against the block and the index, then structure) and only then
   * hands each entry to {@code visitor} without copying. {@code available} is how many bytes from
   * {@code off} were actually read: fewer than the block's length means a truncated object.
   */
  public static void visitBlock(
      String key,
      WalBlockIndex index,
      byte[] bytes,
      int off,
      int available,
      WalEntryVisitor visitor) {
    long pos = index.position();
    int len = index.length();
    if (available < len) {
      throw new CorruptObjectException(
          key,
          pos + available,
          "block of " + len + " bytes cut after " + available + " bytes (truncated)");
    }
    checkBlockChecksum(key, index, bytes, off);
    checkBlockStructure(key, index, bytes, off);
    int end = off + len - BLOCK_CRC_SIZE;
    for (int p = off + BLOCK_HEADER_SIZE; p < end; ) {
      int keyLen = getInt(bytes, p + 25);
      int rowLen = getInt(bytes, p + 29);
      int k = p + ENTRY_HEADER_SIZE;
      visitor.entry(
          getLong(bytes, p),
          getLong(bytes, p + 8),
          getLong(bytes, p + 16),
          WalOperation.ofCode(bytes[p + 24]),
          bytes,
          k,
          keyLen,
          k + keyLen,
          rowLen);
      p = k + keyLen + rowLen;
    }
  }

  private static void checkBlockChecksum(String key, WalBlockIndex index, byte[] bytes, int off) {
    int body = index.length() - BLOCK_CRC_SIZE;
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, body);
    int computed = (int) crc.getValue();
    int stored = getInt(bytes, off + body);
    if (computed != stored || computed != index.checksum()) {
      throw new CorruptObjectException(
          key,
          index.position(),
          "block checksum mismatch for table %d partition %d (computed %08x, block says %08x, index says %08x)"
              .formatted(index.tableId(), index.partitionId(), computed, stored, index.checksum()));
    }
  }

  /** Walks the entry headers once without callbacks, so that nothing is handed out on failure. */
  private static void checkBlockStructure(String key, WalBlockIndex index, byte[] b, int off) {
    long base = index.position() - off; // absolute position = base + array index
    if (getLong(b, off) != index.tableId()
        || getInt(b, off + 8) != index.partitionId()
        || getLong(b, off + 12) != index.term()
        || getInt(b, off + 20) != index.entryCount()) {
      throw new CorruptObjectException(
          key, index.position(), "block header does not match its index entry");
    }
    int end = off + index.length() - BLOCK_CRC_SIZE;
    int count = 0;
    long first = 0;
    long last = 0;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;
    int p = off + BLOCK_HEADER_SIZE;
    while (p < end) {
      if (end - p < ENTRY_HEADER_SIZE) {
        throw new CorruptObjectException(
            key, base + p, "partial entry header at the end of the block");
      }
      long offset = getLong(b, p);
      long ts = getLong(b, p + 16);
      int keyLen = getInt(b, p + 25);
      int rowLen = getInt(b, p + 29);
      WalOperation op = WalOperation.ofCode(b[p + 24]);
      String problem =
          entryProblem(index, count, last, offset, getLong(b, p + 8), op, keyLen, rowLen, end - p);
      if (problem != null) {
        throw new CorruptObjectException(key, base + p, problem);
      }
      first = count == 0 ? offset : first;
      last = offset;
      minTs = Math.min(minTs, ts);
      maxTs = Math.max(maxTs, ts);
      count++;
      p += ENTRY_HEADER_SIZE + keyLen + rowLen;
    }
    if (count != index.entryCount()
        || first != index.firstOffset()
        || last != index.lastOffset()
        || minTs != index.minTimestamp()
        || maxTs != index.maxTimestamp()) {
      throw new CorruptObjectException(
          key,
          index.position(),
          "block entries ("
              + count
              + ", offsets "
              + first
              + ".."
              + last
              + ") do not match its index entry "
              + index);
    }
  }

  private static String entryProblem(
      WalBlockIndex index,
      int count,
      long last,
      long offset,
      long term,
      WalOperation op,
      int keyLen,
      int rowLen,
      int remaining) {
    if (op == null) {
      return "unknown operation code";
    }
    if (term != index.term()) {
      return "entry term " + term + " in a block of term " + index.term();
    }
    if (count > 0 && offset <= last) {
      return "offset " + offset + " does not follow " + last;
    }
    if (keyLen < 0 || rowLen < 0 || (long) ENTRY_HEADER_SIZE + keyLen + rowLen > remaining) {
      return "entry lengths (key " + keyLen + ", row " + rowLen + ") run past the block";
    }
    if (op == WalOperation.DELETE && rowLen != 0) {
      return "a delete with " + rowLen + " row bytes";
    }
    if (op == WalOperation.PATCH && rowLen < 2) {
      return "a patch of " + rowLen + " bytes";
    }
    return null;
  }
}
