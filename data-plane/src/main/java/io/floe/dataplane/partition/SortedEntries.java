package io.floe.dataplane.partition;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Entries already in key order (keys unique) seen as the {@link SortedMap} that {@code
 * ConcurrentSkipListMap}'s copy constructor builds its index from in one linear pass; only what
 * that constructor calls (the comparator, one pass over the entries) and the size are supported.
 */
final class SortedEntries<V> extends AbstractMap<byte[], V> implements SortedMap<byte[], V> {
  private final Iterable<Map.Entry<byte[], V>> entries;
  private final int size;

  SortedEntries(Iterable<Map.Entry<byte[], V>> entries, int size) {
    this.entries = entries;
    this.size = size;
  }

  @Override
  public Comparator<? super byte[]> comparator() {
    return Partition.KEY_ORDER;
  }

  @Override
  public Set<Map.Entry<byte[], V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<byte[], V>> iterator() {
        return entries.iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  @Override
  public SortedMap<byte[], V> subMap(byte[] from, byte[] to) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<byte[], V> headMap(byte[] to) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<byte[], V> tailMap(byte[] from) {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] firstKey() {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] lastKey() {
    throw new UnsupportedOperationException();
  }
}
