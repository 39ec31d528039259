package io.floe.core.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A test-local object store in a map, counting reads, for codec tests that need no S3. */
public final class MapObjectStore implements ObjectStore {
  private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
  public final AtomicInteger reads = new AtomicInteger();

  private ObjectInfo info(String key, byte[] data) {
    return new ObjectInfo(key, data.length, Integer.toHexString(Arrays.hashCode(data)));
  }

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    if (objects.putIfAbsent(key, data.clone()) != null) {
      throw new ObjectAlreadyExistsException(key, "exists: " + key, null);
    }
    return info(key, data);
  }

  @Override
  public ObjectInfo put(String key, byte[] data) {
    objects.put(key, data.clone());
    return info(key, data);
  }

  @Override
  public ObjectInfo putStream(String key, InputStream data, boolean ifAbsent) {
    try {
      byte[] bytes = data.readAllBytes();
      return ifAbsent ? createIfAbsent(key, bytes) : put(key, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] bytes(String key) {
    reads.incrementAndGet();
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectNotFoundException(key, "no object " + key, null);
    }
    return b;
  }

  @Override
  public byte[] get(String key) {
    return bytes(key).clone();
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    byte[] b = bytes(key);
    if (offset >= b.length) {
      throw new ObjectStoreException("range past end of " + key, false, null);
    }
    return Arrays.copyOfRange(b, (int) offset, (int) Math.min(b.length, offset + length));
  }

  @Override
  public byte[] getTail(String key, long length) {
    byte[] b = bytes(key);
    return Arrays.copyOfRange(b, (int) Math.max(0, b.length - length), b.length);
  }

  @Override
  public InputStream open(String key) {
    return new ByteArrayInputStream(bytes(key));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return Optional.ofNullable(objects.get(key)).map(b -> info(key, b));
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return objects.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(e -> info(e.getKey(), e.getValue()));
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    return list(prefix).filter(i -> i.key().compareTo(startAfter) > 0);
  }

  @Override
  public ObjectInfo copy(String sourceKey, String targetKey) {
    return put(targetKey, bytes(sourceKey));
  }

  @Override
  public void delete(List<String> keys) {
    keys.forEach(objects::remove);
  }

  @Override
  public void close() {}
}
