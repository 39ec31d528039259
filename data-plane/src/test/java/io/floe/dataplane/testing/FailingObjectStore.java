package io.floe.dataplane.testing;

import io.floe.core.storage.ObjectInfo;
import io.floe.core.storage.ObjectStore;
import io.floe.core.storage.ObjectStoreException;
import io.floe.core.storage.memory.InMemoryObjectStore;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An in-memory store whose creates can be made to fail: the next N of them, or all while it is
 * "down". Counts create requests (the WAL's PUTs).
 */
public final class FailingObjectStore implements ObjectStore {
  public final InMemoryObjectStore delegate = new InMemoryObjectStore();
  public final AtomicInteger creates = new AtomicInteger();
  public final AtomicInteger failNextCreates = new AtomicInteger();
  public volatile boolean down;

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    creates.incrementAndGet();
    if (down || failNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ObjectStoreException("injected failure creating " + key, true, null);
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
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public byte[] getTail(String key, long length) {
    return delegate.getTail(key, length);
  }

  @Override
  public InputStream open(String key) {
    return delegate.open(key);
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return delegate.head(key);
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    return delegate.listAfter(prefix, startAfter);
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
  public void close() {}
}
