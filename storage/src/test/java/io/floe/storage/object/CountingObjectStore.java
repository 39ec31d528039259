package io.floe.storage.object;

import io.floe.storage.object.memory.InMemoryObjectStore;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The in-memory store, counting reads and listed objects and able to fail the next create: what
 * tests need to prove how few requests a reader makes, and what it does when a commit fails.
 */
public final class CountingObjectStore extends ForwardingObjectStore {
  /** Objects returned by listings so far. */
  public final AtomicInteger listedObjects = new AtomicInteger();

  /** Listing requests so far. */
  public final AtomicInteger lists = new AtomicInteger();

  /** HEAD requests so far. */
  public final AtomicInteger heads = new AtomicInteger();

  /** Read requests (whole, ranged, tail, stream) so far. */
  public final AtomicInteger reads = new AtomicInteger();

  /** When set, the next create fails with it (once). */
  public volatile ObjectStoreException failNextCreate;

  public CountingObjectStore() {
    super(new InMemoryObjectStore());
  }

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    ObjectStoreException failure = failNextCreate;
    if (failure != null) {
      failNextCreate = null;
      throw failure;
    }
    return super.createIfAbsent(key, data);
  }

  @Override
  public byte[] get(String key) {
    reads.incrementAndGet();
    return super.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    reads.incrementAndGet();
    return super.getRange(key, offset, length);
  }

  @Override
  public byte[] getTail(String key, long length) {
    reads.incrementAndGet();
    return super.getTail(key, length);
  }

  @Override
  public InputStream open(String key) {
    reads.incrementAndGet();
    return super.open(key);
  }

  @Override
  public java.util.Optional<ObjectInfo> head(String key) {
    heads.incrementAndGet();
    return super.head(key);
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    lists.incrementAndGet();
    return counted(super.list(prefix));
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    lists.incrementAndGet();
    return counted(super.listAfter(prefix, startAfter));
  }

  private Stream<ObjectInfo> counted(Stream<ObjectInfo> listing) {
    return listing.peek(info -> listedObjects.incrementAndGet());
  }
}
