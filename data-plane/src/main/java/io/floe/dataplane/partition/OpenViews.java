package io.floe.dataplane.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The offsets of the open views of one partition, with the instant each was cut at, and the keys
 * written while any was open (whose old versions and tombstones must be cleaned once no view needs
 * them). Guarded by the partition's monitor.
 */
final class OpenViews {
  private final TreeMap<Long, Open> open = new TreeMap<>();
  private List<byte[]> touched = new ArrayList<>();

  boolean any() {
    return !open.isEmpty();
  }

  long oldest() {
    return open.firstKey();
  }

  /**
   * The cut instant of the oldest view: the earliest of all, since later offsets have later
   * timestamps. Rows expired at it are hidden from every open view.
   */
  long oldestCutInstant() {
    return open.firstEntry().getValue().cutInstant;
  }

  /**
   * @param cutInstant the timestamp of the write at {@code offset}: the same for every view there
   */
  void open(long offset, long cutInstant) {
    open.computeIfAbsent(offset, k -> new Open(cutInstant)).count++;
  }

  void close(long offset) {
    Open o = open.get(offset);
    if (o != null && --o.count == 0) {
      open.remove(offset);
    }
  }

  void remember(byte[] key) {
    touched.add(key);
  }

  /** The keys to clean, once the last view closed; none while a view is still open. */
  List<byte[]> forgetIfNoneOpen() {
    if (any()) {
      return List.of();
    }
    List<byte[]> keys = touched;
    touched = new ArrayList<>();
    return keys;
  }

  /** The views open at one offset. */
  private static final class Open {
    final long cutInstant;
    int count;

    Open(long cutInstant) {
      this.cutInstant = cutInstant;
    }
  }
}
