package io.floe.storage.object;

import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} that hands every call to another one: the base of wrappers that add
 * behaviour to a few calls, such as counting requests or injecting faults in tests.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  private final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are handed to. */
  public ObjectStore delegate() {
    return delegate;
  }

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
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
  public void close() {
    delegate.close();
  }
}
