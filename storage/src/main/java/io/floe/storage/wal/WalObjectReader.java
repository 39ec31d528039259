package io.floe.storage.wal;

import io.floe.core.format.CorruptObjectException;
import io.floe.storage.object.ObjectStore;

/**
 * Reads WAL objects from the object store: the footer with one ranged GET of the tail, one block
 * with one ranged GET, or a whole object. Everything returned is verified; every defect is a {@link
 * CorruptObjectException}.
 */
public final class WalObjectReader {
  /** How many bytes of the tail to fetch for the footer; 64 KiB indexes about 900 blocks. */
  public static final String WAL_FOOTER_READ_SIZE = "wal.footer-read-size";

  public static final int WAL_FOOTER_READ_SIZE_DEFAULT = 64 * 1024;

  private final ObjectStore store;
  private final int tailReadSize;

  public WalObjectReader(ObjectStore store) {
    this(store, WAL_FOOTER_READ_SIZE_DEFAULT);
  }

  public WalObjectReader(ObjectStore store, int tailReadSize) {
    if (tailReadSize < WalFormat.MIN_OBJECT_SIZE) {
      throw new IllegalArgumentException(
          WAL_FOOTER_READ_SIZE + " below " + WalFormat.MIN_OBJECT_SIZE);
    }
    this.store = store;
    this.tailReadSize = tailReadSize;
  }

  /** Reads and verifies the footer: one tail GET, a second only for a footer larger than it. */
  public WalFooter readFooter(String key) {
    return readTail(key).footer();
  }

  /**
   * The footer and the tail bytes read with it: a small object (most are) comes whole with its
   * footer, so its blocks need no GET of their own ({@link Tail#holds}).
   */
  public Tail readTail(String key) {
    byte[] tail = store.getTail(key, tailReadSize);
    boolean whole = tail.length < tailReadSize;
    WalTrailer trailer;
    try {
      trailer = WalObjectDecoder.decodeTrailer(key, tail, whole ? 0 : -1);
    } catch (CorruptObjectException e) {
      throw whole ? e : withAbsolutePosition(key, tail.length, e);
    }
    long tailStart = trailer.objectSize() - tail.length;
    if (tailStart < 0) {
      throw new CorruptObjectException(
          key,
          0,
          "trailer describes "
              + trailer.objectSize()
              + " bytes but the object is bigger than that");
    }
    if (trailer.footerOffset() < tailStart) {
      long length = trailer.objectSize() - trailer.footerOffset();
      tail = store.getRange(key, trailer.footerOffset(), length);
      tailStart = trailer.footerOffset();
      if (tail.length != length) {
        throw new CorruptObjectException(key, tailStart + tail.length, "footer cut short");
      }
    }
    return new Tail(WalObjectDecoder.decodeFooter(key, trailer, tail, tailStart), tail, tailStart);
  }

  /** A verified footer and the object's bytes from {@code start} on. */
  public record Tail(WalFooter footer, byte[] bytes, long start) {
    /** Whether the block's bytes are all in this tail. */
    public boolean holds(WalBlockIndex block) {
      return block.position() >= start && block.end() <= start + bytes.length;
    }
  }

  /**
   * Hands the block's entries to {@code visitor} after verifying it whole, from {@code tail} when
   * it holds the block, else with one ranged GET.
   */
  public void visitBlock(String key, WalBlockIndex index, Tail tail, WalEntryVisitor visitor) {
    if (tail.holds(index)) {
      int off = (int) (index.position() - tail.start());
      WalObjectDecoder.visitBlock(
          key, index, tail.bytes(), off, tail.bytes().length - off, visitor);
    } else {
      visitBlock(key, index, visitor);
    }
  }

  /**
   * Reports a defect of a large object's tail at its absolute position (one HEAD, error path only).
   */
  private CorruptObjectException withAbsolutePosition(
      String key, int tailLength, CorruptObjectException e) {
    long size = store.head(key).map(i -> i.size()).orElse((long) tailLength);
    long start = size - tailLength;
    return new CorruptObjectException(key, start + e.position(), e.problem(), e);
  }

  /** Reads one block with one ranged GET and verifies it whole before returning its entries. */
  public WalBlock readBlock(String key, WalBlockIndex index) {
    byte[] bytes = store.getRange(key, index.position(), index.length());
    return WalObjectDecoder.decodeBlock(key, index, bytes, 0);
  }

  /** Like {@link #readBlock} but hands entries to {@code visitor} without copying them. */
  public void visitBlock(String key, WalBlockIndex index, WalEntryVisitor visitor) {
    byte[] bytes = store.getRange(key, index.position(), index.length());
    WalObjectDecoder.visitBlock(key, index, bytes, 0, bytes.length, visitor);
  }

  /** Reads and verifies a whole object with one GET. */
  public WalObject readObject(String key) {
    return WalObjectDecoder.decodeObject(key, store.get(key));
  }
}
