package io.floe.storage.wal;

import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import java.util.List;

/**
 * Puts WAL objects into the object store, always with a conditional create: a sequence number
 * already taken (by a seal, or by another writer) surfaces as {@link ObjectAlreadyExistsException},
 * the fence that stops a deposed node (DESIGN.md §6).
 */
public final class WalObjectWriter {
  private final ObjectStore store;

  public WalObjectWriter(ObjectStore store) {
    this.store = store;
  }

  /**
   * Encodes the batches into one object at {@code key}.
   *
   * @throws ObjectAlreadyExistsException if the sequence is taken: stop writing this stream
   */
  public WalWriteResult write(String key, List<WalPartitionBatch> batches) {
    byte[] bytes = WalObjectEncoder.encode(batches);
    ObjectInfo info = store.createIfAbsent(key, bytes);
    return new WalWriteResult(info, WalObjectDecoder.decodeFooter(key, bytes));
  }

  /** Writes an object already built with a {@link WalObjectEncoder}. */
  public ObjectInfo writeEncoded(String key, byte[] object) {
    return store.createIfAbsent(key, object);
  }

  /**
   * Seals a stream by writing the tombstone at {@code key} (the stream's next sequence).
   *
   * @throws ObjectAlreadyExistsException if the sequence is taken: read it, the stream went on
   */
  public ObjectInfo seal(String key) {
    return store.createIfAbsent(key, WalObjectEncoder.encodeSeal());
  }

  /** What was written: the stored object and its footer (block byte ranges for manifests). */
  public record WalWriteResult(ObjectInfo object, WalFooter footer) {}
}
