package io.floe.dataplane.recovery;

import io.floe.core.format.CorruptObjectException;
import io.floe.storage.object.ObjectNotFoundException;
import io.floe.storage.wal.WalBlockIndex;
import io.floe.storage.wal.WalFooter;
import io.floe.storage.wal.WalObjectReader;
import io.floe.storage.wal.WalOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Fetches WAL objects for a loading partition ahead of the thread that applies them: the footer
 * (one tail GET, which brings a small object whole, shared with the node's other loads) and the
 * partition's blocks, each verified and decoded into plain arrays on a fetch thread, so the loading
 * thread only applies entries. Objects are fetched in parallel; the callers keep them in order and
 * bound how many are in flight.
 */
final class WalFetcher {
  /** I/O-bound threads shared by every load of the node; idle ones go after a while. */
  private static final ExecutorService FETCHES =
      new ThreadPoolExecutor(
          0,
          64,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "floe-wal-fetch");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  private final SharedWalTails tails;
  private final WalObjectReader reader;
  private final long tableId;
  private final int partitionId;

  WalFetcher(SharedWalTails tails, long tableId, int partitionId) {
    this.tails = tails;
    this.reader = tails.reader();
    this.tableId = tableId;
    this.partitionId = partitionId;
  }

  /**
   * Starts fetching {@code key}: its footer and the blocks of this partition that {@code wanted}
   * accepts. Completes with {@link Fetched#missing} when the object does not exist.
   */
  CompletableFuture<Fetched> fetch(String key, Predicate<WalBlockIndex> wanted) {
    return CompletableFuture.supplyAsync(() -> fetchNow(key, wanted), FETCHES);
  }

  private Fetched fetchNow(String key, Predicate<WalBlockIndex> wanted) {
    WalObjectReader.Tail tail;
    try {
      tail = tails.read(key);
    } catch (ObjectNotFoundException e) {
      return Fetched.missing(key);
    }
    List<Block> blocks = new ArrayList<>();
    if (!tail.footer().isSeal()) {
      try {
        for (WalBlockIndex index : tail.footer().blocksOf(tableId, partitionId)) {
          if (wanted.test(index)) {
            blocks.add(decode(key, index, tail));
          }
        }
      } catch (CorruptObjectException e) {
        tails.forget(key);
        throw e;
      }
    }
    return new Fetched(key, tail.footer(), blocks);
  }

  private Block decode(String key, WalBlockIndex index, WalObjectReader.Tail tail) {
    Block block = new Block(key, index);
    reader.visitBlock(
        key,
        index,
        tail,
        (offset, term, ts, op, buf, keyOff, keyLen, rowOff, rowLen) ->
            block.add(
                offset,
                ts,
                Arrays.copyOfRange(buf, keyOff, keyOff + keyLen),
                op == WalOperation.DELETE ? null : Arrays.copyOfRange(buf, rowOff, rowOff + rowLen),
                op == WalOperation.PATCH));
    return block;
  }

  /** One object as fetched: its footer and this partition's decoded blocks, or missing. */
  record Fetched(String key, WalFooter footer, List<Block> blocks) {
    static Fetched missing(String key) {
      return new Fetched(key, null, List.of());
    }

    boolean isMissing() {
      return footer == null;
    }

    long bytes() {
      return blocks.stream().mapToLong(b -> b.index().length()).sum();
    }
  }

  /** A verified block's entries, copied out of the object. */
  static final class Block {
    private final String key;
    private final WalBlockIndex index;
    private final long[] offsets;
    private final long[] timestamps;
    private final byte[][] keys;
    private final byte[][] rows;
    private final boolean[] patches;
    private int size;

    Block(String key, WalBlockIndex index) {
      this.key = key;
      this.index = index;
      int n = index.entryCount();
      this.offsets = new long[n];
      this.timestamps = new long[n];
      this.keys = new byte[n][];
      this.rows = new byte[n][];
      this.patches = new boolean[n];
    }

    void add(long offset, long timestamp, byte[] k, byte[] row, boolean patch) {
      offsets[size] = offset;
      timestamps[size] = timestamp;
      keys[size] = k;
      patches[size] = patch;
      rows[size++] = row;
    }

    String key() {
      return key;
    }

    WalBlockIndex index() {
      return index;
    }

    int size() {
      return size;
    }

    long offset(int i) {
      return offsets[i];
    }

    long timestamp(int i) {
      return timestamps[i];
    }

    byte[] entryKey(int i) {
      return keys[i];
    }

    /** The row (null: a delete), or a row patch when {@link #isPatch}. */
    byte[] row(int i) {
      return rows[i];
    }

    /** Whether entry {@code i} is a partial update's patch, to apply to the key's row. */
    boolean isPatch(int i) {
      return patches[i];
    }
  }
}
