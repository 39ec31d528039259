package io.floe.storage.commit;

import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreException;
import io.floe.storage.object.WriteOutcomeUnknownException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A sequence of immutable document versions under one key prefix, {@code
 * {prefix}{version:020d}.json}, committed with create-if-absent (spec.md §7): partition manifests
 * and catalogs.
 *
 * <p>Finding the newest version remembers the last one seen and lists only the keys after it, so a
 * steady reader costs one short listing per read, not the whole history. A cold reader lists once:
 * probing with HEAD from version 1 would break as soon as garbage collection deletes old versions.
 *
 * <p>Thread-safe.
 */
public final class VersionedObjects {
  private static final String SUFFIX = ".json";
  private static final int DIGITS = 20;

  private final ObjectStore store;
  private final String prefix;
  private final AtomicLong lastKnown = new AtomicLong();

  public VersionedObjects(ObjectStore store, String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must end with '/': " + prefix);
    }
    this.store = store;
    this.prefix = prefix;
  }

  /** {@code tables/{tid}/partitions/{pid}/manifests/} (DESIGN.md §6). */
  public static VersionedObjects partitionManifests(ObjectStore store, long tid, int pid) {
    return new VersionedObjects(store, "tables/" + tid + "/partitions/" + pid + "/manifests/");
  }

  /** {@code catalog/} (DESIGN.md §6). */
  public static VersionedObjects catalog(ObjectStore store) {
    return new VersionedObjects(store, "catalog/");
  }

  public String prefix() {
    return prefix;
  }

  public String keyOf(long version) {
    return prefix + String.format("%0" + DIGITS + "d", version) + SUFFIX;
  }

  /**
   * Creates {@code version} if no writer has.
   *
   * @throws CommitFailedException when the version exists (safe to retry on the next version)
   * @throws CommitStateUnknownException when the store failed in a way that may have committed
   */
  public void commit(long version, byte[] document) {
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1, found " + version);
    }
    String key = keyOf(version);
    try {
      store.createIfAbsent(key, document);
    } catch (ObjectAlreadyExistsException e) {
      throw new CommitFailedException(key, version, e);
    } catch (WriteOutcomeUnknownException e) {
      throw new CommitStateUnknownException(key, version, e);
    } catch (ObjectStoreException e) {
      if (e.retryable()) {
        throw new CommitStateUnknownException(key, version, e);
      }
      throw e;
    }
    remember(version);
  }

  /** The newest committed version, or empty when there is none. */
  public OptionalLong latestVersion() {
    long known = lastKnown.get();
    long newest = known;
    try (Stream<ObjectInfo> after =
        known == 0 ? store.list(prefix) : store.listAfter(prefix, keyOf(known))) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) after::iterator) {
        newest = Math.max(newest, versionOf(info.key()));
      }
    }
    remember(newest);
    return newest == 0 ? OptionalLong.empty() : OptionalLong.of(newest);
  }

  /** The newest version and its bytes, or empty when there is none. */
  public Optional<Version> latest() {
    OptionalLong version = latestVersion();
    if (version.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Version(version.getAsLong(), read(version.getAsLong())));
  }

  public byte[] read(long version) {
    return store.get(keyOf(version));
  }

  /** The version a key names, or 0 for a key of another shape (ignored). */
  long versionOf(String key) {
    if (!key.startsWith(prefix)
        || !key.endsWith(SUFFIX)
        || key.length() != prefix.length() + DIGITS + SUFFIX.length()) {
      return 0;
    }
    String digits = key.substring(prefix.length(), prefix.length() + DIGITS);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return 0;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void remember(long version) {
    lastKnown.accumulateAndGet(version, Math::max);
  }

  /** One committed version and its document bytes. */
  public record Version(long version, byte[] bytes) {}
}
