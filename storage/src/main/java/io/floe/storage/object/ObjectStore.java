package io.floe.storage.object;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Access to Floe's durable home: an S3 bucket (or an S3-compatible endpoint) under a key prefix.
 *
 * <p>Keys given to and returned by this interface are relative to the store's root (bucket and
 * prefix are configuration, not part of a key). Every object is immutable once written; {@link
 * #createIfAbsent} is the commit primitive of the whole system (DESIGN.md §6).
 *
 * <p>Errors are unchecked and typed: {@link ObjectAlreadyExistsException} when a conditional create
 * loses, {@link ObjectNotFoundException} for a missing key, {@link ObjectStoreException} (and its
 * subclasses) for everything else, each naming the bucket and key involved.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Creates {@code key} with {@code data} only if no object exists there ({@code If-None-Match:
   * *}). Of several concurrent creators exactly one succeeds.
   *
   * @throws ObjectAlreadyExistsException if the key already exists
   */
  ObjectInfo createIfAbsent(String key, byte[] data);

  /** Writes {@code key} unconditionally, replacing any object there. */
  ObjectInfo put(String key, byte[] data);

  /**
   * Writes a stream of unknown length, as a multipart upload when it is large, holding at most
   * about one part in memory at a time. With {@code ifAbsent} the completion is conditional.
   */
  ObjectInfo putStream(String key, InputStream data, boolean ifAbsent);

  /** Reads a whole object. */
  byte[] get(String key);

  /**
   * Reads {@code length} bytes starting at {@code offset}. A range running past the end of the
   * object is cut at the end; an offset at or past the end is an error.
   */
  byte[] getRange(String key, long offset, long length);

  /** Reads the last {@code length} bytes of the object (all of it if it is shorter). */
  byte[] getTail(String key, long length);

  /** Opens a stream over a whole object; the caller closes it. */
  InputStream open(String key);

  /** The object's size and ETag, or empty when it does not exist. */
  Optional<ObjectInfo> head(String key);

  /**
   * Lists objects whose key starts with {@code prefix}, in key order, fetching pages lazily as the
   * stream is consumed. Close the stream if it is not consumed to the end.
   */
  Stream<ObjectInfo> list(String prefix);

  /** Lists objects after {@code startAfter} (exclusive) with the given prefix, in key order. */
  Stream<ObjectInfo> listAfter(String prefix, String startAfter);

  /** Server-side copy; the source must exist. */
  ObjectInfo copy(String sourceKey, String targetKey);

  /** Deletes the given keys (in batches); missing keys are not an error. */
  void delete(List<String> keys);

  @Override
  void close();
}
