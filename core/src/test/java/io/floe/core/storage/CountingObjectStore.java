package io.floe.core.storage;

import io.floe.core.storage.memory.InMemoryObjectStore;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The in-memory store, counting reads and listed objects and able to fail the next create: what
 * tests need to prove how few requests a reader makes, and what it does when a commit fails.
 */
public final class CountingObjectStore implements ObjectStore {
  private final InMemoryObjectStore delegate = new InMemoryObjectStore();

  /** Objects returned by listings so far. */
  public final AtomicInteger listedObjects = new AtomicInteger();

  /** Read requests (whole, ranged, tail, stream) so far. */
  public final AtomicInteger reads = new AtomicInteger();

  /** When set, the next create fails with it (once). */
  public volatile ObjectStoreException failNextCreate;

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    ObjectStoreException failure = failNextCreate;
    if (failure != null) {
      failNextCreate = null;
      throw failure;
    }
    return delegate.createIfAbsent(key, data);
  }

  @Override
  public ObjectInfo put(String key, byte[] data) {
    return delegate.put(key, data);
  }

  @Override
  public ObjectInfo putStream(String key, InputStream data, boolean ifAbsent) {
    return delegate.putStream(key, data, ifAbsent);
  }

  @Override
  public byte[] get(String key) {
    reads.incrementAndGet();
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    reads.incrementAndGet();
    return delegate.getRange(key, offset, length);
  }

  @Override
  public byte[] getTail(String key, long length) {
    reads.incrementAndGet();
    return delegate.getTail(key, length);
  }

  @Override
  public InputStream open(String key) {
    reads.incrementAndGet();
    return delegate.open(key);
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return delegate.head(key);
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return counted(delegate.list(prefix));
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    return counted(delegate.listAfter(prefix, startAfter));
  }

  @Override
  public ObjectInfo copy(String sourceKey, String targetKey) {
    return delegate.copy(sourceKey, targetKey);
  }

  @Override
  public void delete(List<String> keys) {
    delegate.delete(keys);
  }

  @Override
  public void close() {
    delegate.close();
  }

  private Stream<ObjectInfo> counted(Stream<ObjectInfo> listing) {
    return listing.peek(info -> listedObjects.incrementAndGet());
  }
}
