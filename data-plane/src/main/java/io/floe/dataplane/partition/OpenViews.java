package io.floe.dataplane.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The offsets of the open views of one partition and the keys written while any was open (whose old
 * versions and tombstones must be cleaned once no view needs them). Guarded by the partition's
 * monitor.
 */
final class OpenViews {
  private final TreeMap<Long, Integer> open = new TreeMap<>();
  private List<byte[]> touched = new ArrayList<>();

  boolean any() {
    return !open.isEmpty();
  }

  long oldest() {
    return open.firstKey();
  }

  void open(long offset) {
    open.merge(offset, 1, Integer::sum);
  }

  void close(long offset) {
    open.computeIfPresent(offset, (k, n) -> n == 1 ? null : n - 1);
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
}
