package io.floe.core.commit;

import io.floe.core.storage.ObjectAlreadyExistsException;
import io.floe.core.storage.ObjectInfo;
import io.floe.core.storage.ObjectNotFoundException;
import io.floe.core.storage.ObjectStore;
import io.floe.core.storage.ObjectStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A test-local sorted map standing in for S3, recording how many objects each listing returned and
 * able to fail the next create. Only what {@link VersionedObjects} uses is faithful.
 */
final class FakeObjectStore implements ObjectStore {
  final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  final AtomicInteger listedObjects = new AtomicInteger();
  volatile ObjectStoreException failNextCreate;

  @Override
  public synchronized ObjectInfo createIfAbsent(String key, byte[] data) {
    ObjectStoreException failure = failNextCreate;
    if (failure != null) {
      failNextCreate = null;
      throw failure;
    }
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

  @Override
  public byte[] get(String key) {
    byte[] data = objects.get(key);
    if (data == null) {
      throw new ObjectNotFoundException(key, "no such key: " + key, null);
    }
    return data.clone();
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] getTail(String key, long length) {
    throw new UnsupportedOperationException();
  }

  @Override
  public InputStream open(String key) {
    return new ByteArrayInputStream(get(key));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return Optional.ofNullable(objects.get(key)).map(d -> info(key, d));
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return listAfter(prefix, "");
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    List<ObjectInfo> result = new ArrayList<>();
    objects
        .tailMap(startAfter, false)
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                result.add(info(k, v));
              }
            });
    listedObjects.addAndGet(result.size());
    return result.stream();
  }

  @Override
  public ObjectInfo copy(String sourceKey, String targetKey) {
    return put(targetKey, get(sourceKey));
  }

  @Override
  public void delete(List<String> keys) {
    keys.forEach(objects::remove);
  }

  @Override
  public void close() {}

  private static ObjectInfo info(String key, byte[] data) {
    return new ObjectInfo(key, data.length, Integer.toHexString(java.util.Arrays.hashCode(data)));
  }
}
