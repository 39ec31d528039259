package io.floe.dataplane.partition;

import io.floe.core.table.PartitionHasher;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A partition's rows: a skip list in key order (scans, views, snapshots, sweeps) and a hash index
 * beside it (point reads and writes), sharing one {@link Slot} per key that holds the key's newest
 * version. Overwriting an existing key — most writes — costs a hash lookup and a field store
 * instead of a skip-list descent through a dozen cache-cold nodes; only keys that come or go change
 * the skip list. One writer at a time (the partition's monitor); readers take no lock and see each
 * slot's head as of the moment they read it.
 */
final class RowIndex {
  /** An encoded key with value equality and a hash that mixes every byte. */
  static class HashedKey {
    final byte[] bytes;
    final int hash;

    HashedKey(byte[] bytes) {
      this.bytes = bytes;
      // Not Arrays.hashCode: its polynomial collides wholesale on encoded integers (31·b + c),
      // which turns the map's bins into trees. MurmurHash3 mixes every byte.
      this.hash = PartitionHasher.hash(bytes);
    }

    HashedKey(byte[] bytes, int hash) {
      this.bytes = bytes;
      this.hash = hash;
    }

    @Override
    public final int hashCode() {
      return hash;
    }

    @Override
    public final boolean equals(Object o) {
      return o instanceof HashedKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }
  }

  /**
   * A key in the index: its own key in the hash map, its value in both maps. {@code head} is null
   * once the key was removed (a reader that found the slot just before sees the key absent).
   */
  static final class Slot extends HashedKey {
    volatile Version head;

    Slot(byte[] key, int hash, Version head) {
      super(key, hash);
      this.head = head;
    }
  }

  private final ConcurrentSkipListMap<byte[], Slot> ordered;
  private final ConcurrentHashMap<HashedKey, Slot> byKey;

  RowIndex() {
    this.ordered = new ConcurrentSkipListMap<>(Partition.KEY_ORDER);
    this.byKey = new ConcurrentHashMap<>();
  }

  /** The rows of {@code sorted} (in key order, keys unique), both maps built in one pass each. */
  RowIndex(SortedMap<byte[], Version> sorted) {
    this.byKey = new ConcurrentHashMap<>(Math.max(16, (int) (sorted.size() / 0.75f) + 1));
    // The skip list's copy constructor builds its index in one linear pass from a sorted map; each
    // slot goes into the hash map as it is made.
    Iterable<Map.Entry<byte[], Slot>> slots =
        () -> {
          Iterator<Map.Entry<byte[], Version>> it = sorted.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Map.Entry<byte[], Slot> next() {
              Map.Entry<byte[], Version> e = it.next();
              byte[] key = e.getKey();
              Slot s = new Slot(key, PartitionHasher.hash(key), e.getValue());
              byKey.put(s, s);
              return Map.entry(key, s);
            }
          };
        };
    this.ordered = new ConcurrentSkipListMap<>(new SortedEntries<>(slots, sorted.size()));
  }

  /** The newest version of {@code key} (a delete's while a view keeps it), or null. */
  Version get(byte[] key) {
    Slot s = byKey.get(new HashedKey(key));
    return s == null ? null : s.head;
  }

  /** Makes {@code v} the newest version of {@code key}; returns the one it replaced, or null. */
  Version put(byte[] key, Version v) {
    HashedKey probe = new HashedKey(key);
    Slot s = byKey.get(probe);
    if (s != null) {
      Version replaced = s.head;
      s.head = v;
      return replaced;
    }
    s = new Slot(key, probe.hash, v);
    ordered.put(key, s);
    byKey.put(s, s);
    return null;
  }

  /** Removes {@code key}; returns its newest version, or null when it was absent. */
  Version remove(byte[] key) {
    Slot s = byKey.remove(new HashedKey(key));
    return s == null ? null : forget(s);
  }

  /** Removes {@code key} if {@code head} is still its newest version. */
  boolean remove(byte[] key, Version head) {
    Slot s = byKey.get(new HashedKey(key));
    if (s == null || s.head != head) {
      return false;
    }
    byKey.remove(s);
    forget(s);
    return true;
  }

  private Version forget(Slot s) {
    ordered.remove(s.bytes, s);
    Version head = s.head;
    s.head = null;
    return head;
  }

  /**
   * The slots with keys in the range, in key order (a null bound is open; {@code start} must not be
   * above {@code end}). Weakly consistent, like the skip list's iterators; a slot's head may be
   * null (removed since).
   */
  Iterator<Slot> range(byte[] start, boolean startInclusive, byte[] end, boolean endInclusive) {
    NavigableMap<byte[], Slot> view = ordered;
    if (start != null) {
      view = view.tailMap(start, startInclusive);
    }
    if (end != null) {
      view = view.headMap(end, endInclusive);
    }
    return view.values().iterator();
  }

  /** Every slot in key order. */
  Iterator<Slot> all() {
    return ordered.values().iterator();
  }

  void clear() {
    byKey.clear();
    ordered.clear();
  }
}
