package io.floe.dataplane.testing;

import io.floe.storage.object.ForwardingObjectStore;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStoreException;
import io.floe.storage.object.memory.InMemoryObjectStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store whose creates can be made to fail: the next N of them, or all while it is
 * "down". Counts create requests (the WAL's PUTs), HEADs (its seal checks) and tail reads (a WAL
 * object's footer, or the whole of a small one: one per object a load reads).
 */
public final class FailingObjectStore extends ForwardingObjectStore {
  public final InMemoryObjectStore delegate;
  public final AtomicInteger creates = new AtomicInteger();
  public final AtomicInteger failNextCreates = new AtomicInteger();
  public final AtomicInteger heads = new AtomicInteger();
  public final AtomicInteger tailReads = new AtomicInteger();
  public volatile boolean down;

  public FailingObjectStore() {
    this(new InMemoryObjectStore());
  }

  private FailingObjectStore(InMemoryObjectStore store) {
    super(store);
    this.delegate = store;
  }

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    creates.incrementAndGet();
    if (down || failNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ObjectStoreException("injected failure creating " + key, true, null);
    }
    return super.createIfAbsent(key, data);
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    heads.incrementAndGet();
    return super.head(key);
  }

  @Override
  public byte[] getTail(String key, long length) {
    tailReads.incrementAndGet();
    return super.getTail(key, length);
  }

  /** Closing keeps the objects: tests read them after the code under test closed its store. */
  @Override
  public void close() {}
}
