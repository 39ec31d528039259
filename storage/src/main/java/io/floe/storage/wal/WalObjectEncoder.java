package io.floe.storage.wal;

import static io.floe.storage.wal.WalFormat.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Builds one WAL object in memory: {@link #beginBlock}, {@link #append} entries in offset order,
 * {@link #endBlock}, and finally {@link #finish}. Writes straight into one growing byte array (no
 * per-entry allocation) and can be {@link #reset} and reused by a flusher thread. Not thread safe.
 */
public final class WalObjectEncoder {
  private final CRC32C crc = new CRC32C();
  private final List<WalBlockIndex> blocks = new ArrayList<>();
  private byte[] buf;
  private int pos;
  private boolean patches; // an entry is a PATCH: the object is version 2

  // the open block
  private boolean inBlock;
  private long blockTable;
  private int blockPartition;
  private long blockTerm;
  private int blockStart;
  private int blockEntries;
  private long firstOffset;
  private long lastOffset;
  private long minTs;
  private long maxTs;

  public WalObjectEncoder() {
    this(64 * 1024);
  }

  public WalObjectEncoder(int initialCapacity) {
    buf = new byte[Math.max(initialCapacity, MIN_OBJECT_SIZE)];
    reset();
  }

  /** Forgets everything appended so far, keeping the buffer. */
  public void reset() {
    blocks.clear();
    inBlock = false;
    patches = false;
    pos = 0;
    putInt(buf, 0, MAGIC);
    putShort(buf, 4, VERSION);
    buf[6] = WalObjectKind.DATA.code();
    buf[7] = 0;
    pos = HEADER_SIZE;
  }

  /** Encodes whole partition batches, cutting a block wherever the term changes. */
  public static byte[] encode(List<WalPartitionBatch> batches) {
    int size = MIN_OBJECT_SIZE;
    for (WalPartitionBatch batch : batches) {
      size += BLOCK_HEADER_SIZE + BLOCK_CRC_SIZE + INDEX_ENTRY_SIZE;
      for (WalEntry e : batch.entries()) {
        size += e.encodedSize();
      }
    }
    WalObjectEncoder encoder = new WalObjectEncoder(size);
    for (WalPartitionBatch batch : batches) {
      encoder.appendBatch(batch);
    }
    return encoder.finish();
  }

  /** The seal (tombstone) object that ends a node's WAL stream. */
  public static byte[] encodeSeal() {
    WalObjectEncoder encoder = new WalObjectEncoder(MIN_OBJECT_SIZE);
    return encoder.finish(WalObjectKind.SEAL);
  }

  /** Appends one partition's entries, cutting a new block where the term changes. */
  public void appendBatch(WalPartitionBatch batch) {
    for (WalEntry e : batch.entries()) {
      if (!inBlock || e.term() != blockTerm) {
        if (inBlock) {
          endBlock();
        }
        beginBlock(batch.tableId(), batch.partitionId(), e.term());
      }
      append(
          e.offset(),
          e.term(),
          e.timestamp(),
          e.operation(),
          e.key(),
          0,
          e.key().length,
          e.row(),
          0,
          e.row().length);
    }
    if (inBlock) {
      endBlock();
    }
  }

  public void beginBlock(long tableId, int partitionId, long term) {
    if (inBlock) {
      throw new IllegalStateException("block of partition " + blockPartition + " still open");
    }
    ensure(BLOCK_HEADER_SIZE);
    inBlock = true;
    blockTable = tableId;
    blockPartition = partitionId;
    blockTerm = term;
    blockStart = pos;
    blockEntries = 0;
    minTs = Long.MAX_VALUE;
    maxTs = Long.MIN_VALUE;
    putLong(buf, pos, tableId);
    putInt(buf, pos + 8, partitionId);
    putLong(buf, pos + 12, term);
    pos += BLOCK_HEADER_SIZE; // entry count is filled in by endBlock
  }

  /** Appends one entry to the open block; offsets must increase strictly within a block. */
  public void append(
      long offset,
      long term,
      long timestamp,
      WalOperation op,
      byte[] key,
      int keyOff,
      int keyLen,
      byte[] row,
      int rowOff,
      int rowLen) {
    checkEntry(offset, term, op, rowLen);
    ensure(ENTRY_HEADER_SIZE + keyLen + rowLen);
    byte[] b = buf;
    int p = pos;
    putLong(b, p, offset);
    putLong(b, p + 8, term);
    putLong(b, p + 16, timestamp);
    b[p + 24] = op.code();
    putInt(b, p + 25, keyLen);
    putInt(b, p + 29, rowLen);
    p += ENTRY_HEADER_SIZE;
    System.arraycopy(key, keyOff, b, p, keyLen);
    p += keyLen;
    System.arraycopy(row, rowOff, b, p, rowLen);
    pos = p + rowLen;
    if (blockEntries++ == 0) {
      firstOffset = offset;
    }
    lastOffset = offset;
    minTs = Math.min(minTs, timestamp);
    maxTs = Math.max(maxTs, timestamp);
  }

  private void checkEntry(long offset, long term, WalOperation op, int rowLen) {
    if (!inBlock) {
      throw new IllegalStateException("no open block");
    }
    if (term != blockTerm) {
      throw new IllegalArgumentException("entry term " + term + " in a block of term " + blockTerm);
    }
    if (blockEntries > 0 && offset <= lastOffset) {
      throw new IllegalArgumentException("offset " + offset + " does not follow " + lastOffset);
    }
    if (op == WalOperation.DELETE && rowLen != 0) {
      throw new IllegalArgumentException("a delete carries no row bytes (offset " + offset + ")");
    }
    if (op == WalOperation.PATCH) {
      if (rowLen < 2) {
        throw new IllegalArgumentException(
            "a patch of " + rowLen + " bytes (offset " + offset + ")");
      }
      patches = true;
    }
  }

  /** Closes the open block: an empty block is dropped, since it would describe no offsets. */
  public void endBlock() {
    if (!inBlock) {
      throw new IllegalStateException("no open block");
    }
    inBlock = false;
    if (blockEntries == 0) {
      pos = blockStart;
      return;
    }
    putInt(buf, blockStart + 20, blockEntries);
    crc.reset();
    crc.update(buf, blockStart, pos - blockStart);
    int checksum = (int) crc.getValue();
    ensure(BLOCK_CRC_SIZE);
    putInt(buf, pos, checksum);
    pos += BLOCK_CRC_SIZE;
    blocks.add(
        new WalBlockIndex(
            blockTable,
            blockPartition,
            blockTerm,
            firstOffset,
            lastOffset,
            minTs,
            maxTs,
            blockStart,
            pos - blockStart,
            blockEntries,
            checksum));
  }

  /** Bytes appended so far (without footer and trailer). */
  public int size() {
    return pos;
  }

  public int blockCount() {
    return blocks.size();
  }

  /**
   * Writes footer and trailer and returns the object's bytes (a copy; the encoder may be reused).
   */
  public byte[] finish() {
    return finish(WalObjectKind.DATA);
  }

  private byte[] finish(WalObjectKind kind) {
    if (inBlock) {
      endBlock();
    }
    if (kind == WalObjectKind.SEAL && !blocks.isEmpty()) {
      throw new IllegalStateException("a seal object holds no entries");
    }
    buf[6] = kind.code();
    int footerOffset = pos;
    int footerLength = FOOTER_HEADER_SIZE + blocks.size() * INDEX_ENTRY_SIZE;
    ensure(footerLength + TRAILER_SIZE);
    putInt(buf, pos, blocks.size());
    pos += FOOTER_HEADER_SIZE;
    for (WalBlockIndex b : blocks) {
      writeIndexEntry(b);
    }
    crc.reset();
    crc.update(buf, footerOffset, footerLength);
    putLong(buf, pos, footerOffset);
    putInt(buf, pos + 8, footerLength);
    putInt(buf, pos + 12, (int) crc.getValue());
    int version = patches ? VERSION_PATCHES : VERSION;
    putShort(buf, 4, version);
    putShort(buf, pos + 16, version);
    buf[pos + 18] = kind.code();
    buf[pos + 19] = 0;
    putInt(buf, pos + 20, MAGIC);
    pos += TRAILER_SIZE;
    byte[] out = Arrays.copyOf(buf, pos);
    reset();
    return out;
  }

  private void writeIndexEntry(WalBlockIndex b) {
    putLong(buf, pos, b.tableId());
    putInt(buf, pos + 8, b.partitionId());
    putLong(buf, pos + 12, b.term());
    putLong(buf, pos + 20, b.firstOffset());
    putLong(buf, pos + 28, b.lastOffset());
    putLong(buf, pos + 36, b.minTimestamp());
    putLong(buf, pos + 44, b.maxTimestamp());
    putLong(buf, pos + 52, b.position());
    putInt(buf, pos + 60, b.length());
    putInt(buf, pos + 64, b.entryCount());
    putInt(buf, pos + 68, b.checksum());
    pos += INDEX_ENTRY_SIZE;
  }

  private void ensure(int more) {
    long needed = (long) pos + more;
    if (needed > buf.length) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("WAL object larger than 2 GiB");
      }
      buf =
          Arrays.copyOf(
              buf, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length)));
    }
  }
}
