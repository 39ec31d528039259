package io.floe.storage.object.memory;

import io.floe.storage.object.InvalidRangeException;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectNotFoundException;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} in a sorted concurrent map, for unit tests of code built on the store. Its
 * semantics are S3's, checked by the same contract suite: atomic create-if-absent, ETag = quoted
 * MD5, ranges cut at the end, an offset at or past the end is an error, key-ordered listings.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Stored(byte[] data, String etag) {
    ObjectInfo info(String key) {
      return new ObjectInfo(key, data.length, etag);
    }
  }

  private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();

  @Override
  public ObjectInfo createIfAbsent(String key, byte[] data) {
    Stored stored = stored(data);
    if (objects.putIfAbsent(checkKey(key), stored) != null) {
      throw new ObjectAlreadyExistsException(key, "createIfAbsent " + key + ": exists", null);
    }
    return stored.info(key);
  }

  @Override
  public ObjectInfo put(String key, byte[] data) {
    Stored stored = stored(data);
    objects.put(checkKey(key), stored);
    return stored.info(key);
  }

  @Override
  public ObjectInfo putStream(String key, InputStream data, boolean ifAbsent) {
    try {
      byte[] bytes = data.readAllBytes();
      return ifAbsent ? createIfAbsent(key, bytes) : put(key, bytes);
    } catch (IOException e) {
      throw new ObjectStoreException("reading the data to upload to " + key + " failed", false, e);
    }
  }

  @Override
  public byte[] get(String key) {
    return find(key).data().clone();
  }

  @Override
  public byte[] getRange(String key, long offset, long length) {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "invalid range of " + key + ": offset " + offset + ", length " + length);
    }
    byte[] data = find(key).data();
    if (offset >= data.length) {
      throw new InvalidRangeException(
          key, "getRange " + key + ": offset " + offset + " at or past end " + data.length, null);
    }
    return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + length));
  }

  @Override
  public byte[] getTail(String key, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("invalid tail length of " + key + ": " + length);
    }
    byte[] data = find(key).data();
    return Arrays.copyOfRange(data, (int) Math.max(0, data.length - length), data.length);
  }

  @Override
  public InputStream open(String key) {
    return new ByteArrayInputStream(find(key).data());
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return Optional.ofNullable(objects.get(checkKey(key))).map(s -> s.info(key));
  }

  @Override
  public Stream<ObjectInfo> list(String prefix) {
    return listAfter(prefix, null);
  }

  @Override
  public Stream<ObjectInfo> listAfter(String prefix, String startAfter) {
    String p = prefix == null ? "" : prefix;
    // keys starting with p are contiguous in key order, from p on
    ConcurrentNavigableMap<String, Stored> tail =
        startAfter != null && startAfter.compareTo(p) >= 0
            ? objects.tailMap(startAfter, false)
            : objects.tailMap(p, true);
    return tail.entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(p))
        .map(e -> e.getValue().info(e.getKey()));
  }

  @Override
  public ObjectInfo copy(String sourceKey, String targetKey) {
    Stored source = find(sourceKey);
    objects.put(checkKey(targetKey), source);
    return source.info(targetKey);
  }

  @Override
  public void delete(List<String> keys) {
    keys.forEach(objects::remove);
  }

  @Override
  public void close() {}

  private Stored find(String key) {
    Stored stored = objects.get(checkKey(key));
    if (stored == null) {
      throw new ObjectNotFoundException(key, key + ": no such object", null);
    }
    return stored;
  }

  private static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an object key must not be empty");
    }
    return key;
  }

  private static Stored stored(byte[] data) {
    byte[] copy = data.clone();
    return new Stored(copy, "\"" + md5Hex(copy) + "\"");
  }

  private static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
