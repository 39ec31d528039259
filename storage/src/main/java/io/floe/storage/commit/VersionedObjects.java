package io.floe.storage.commit;

import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.ObjectInfo;
import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreException;
import io.floe.storage.object.WriteOutcomeUnknownException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A sequence of immutable document versions under one key prefix, {@code
 * {prefix}{version:020d}.json}, committed with create-if-absent (spec.md §7): partition manifests
 * and catalogs.
 *
 * <p>Finding the newest version remembers the last one seen and probes with HEAD above it, so a
 * steady reader costs a HEAD or two per read, not a listing of the whole history. A cold reader
 * probes up from version 1 when it exists, and lists only when it does not (nothing committed yet,
 * or garbage collection deleted the oldest versions).
 *
 * <p>Thread-safe.
 */
public final class VersionedObjects {
  private static final String SUFFIX = ".json";
  private static final int DIGITS = 20;

  /** HEADs in flight at once while a reader far behind looks for the newest version. */
  static final int PROBES = 16;

  private static final ExecutorService PROBE_THREADS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "floe-version-probe");
            t.setDaemon(true);
            return t;
          });

  private final ObjectStore store;
  private final String prefix;
  private final AtomicLong lastKnown = new AtomicLong();
  private volatile Version lastRead;

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

  /**
   * The newest committed version, or empty when there is none. A reader that saw a version before
   * finds the newer ones by HEAD, not by LIST (spec.md §7.3): versions are dense, so the newest is
   * the one before the first missing above what it knew — two HEADs at once when nothing changed, a
   * few rounds of {@link #PROBES} parallel HEADs (doubling, then splitting) when many did. A LIST's
   * cost grows with the prefix on some stores (on S3Proxy with the whole bucket), and a promotion
   * waits for this read.
   */
  public OptionalLong latestVersion() {
    long known = lastKnown.get();
    long newest;
    if (known > 0) {
      newest = probedNewest(known);
    } else if (exists(1)) {
      newest = probedNewest(1); // a reader that never looked: probing beats a LIST here too
    } else {
      newest = listedNewest(); // nothing yet, or garbage collection removed the first versions
    }
    remember(newest);
    return newest == 0 ? OptionalLong.empty() : OptionalLong.of(newest);
  }

  private long listedNewest() {
    long newest = 0;
    try (Stream<ObjectInfo> all = store.list(prefix)) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) all::iterator) {
        newest = Math.max(newest, versionOf(info.key()));
      }
    }
    return newest;
  }

  private long probedNewest(long known) {
    boolean[] next = existAll(new long[] {known + 1, known});
    if (!next[0]) {
      // Nothing newer — unless garbage collection removed what this reader knew and the versions
      // after it (it deletes the oldest first): then it lists.
      return next[1] ? known : listedNewest();
    }
    // Many newer (a follower promoted long after its last read): the newest lies between two
    // probes; each round HEADs up to PROBES versions at once, doubling from the last one known to
    // exist, then splitting the interval where the first one missing lies.
    long present = known + 1;
    long absent = -1;
    while (absent < 0) {
      long[] probes = new long[PROBES];
      for (int i = 0; i < PROBES; i++) {
        probes[i] = present + (1L << i);
      }
      boolean[] found = existAll(probes);
      int last = -1;
      while (last + 1 < PROBES && found[last + 1]) {
        last++;
      }
      if (last >= 0) {
        present = probes[last];
      }
      if (last + 1 < PROBES) {
        absent = probes[last + 1];
      }
    }
    while (absent - present > 1) {
      int n = (int) Math.min(PROBES, absent - present - 1);
      long[] probes = new long[n];
      for (int i = 0; i < n; i++) {
        probes[i] = present + (absent - present) * (i + 1) / (n + 1);
      }
      boolean[] found = existAll(probes);
      long newPresent = present;
      long newAbsent = absent;
      for (int i = 0; i < n; i++) {
        if (found[i]) {
          newPresent = Math.max(newPresent, probes[i]);
        } else {
          newAbsent = Math.min(newAbsent, probes[i]);
        }
      }
      present = newPresent;
      absent = newAbsent;
    }
    return present;
  }

  /** HEADs every version of {@code versions} at once. */
  private boolean[] existAll(long[] versions) {
    List<CompletableFuture<Boolean>> heads = new ArrayList<>(versions.length);
    for (long v : versions) {
      heads.add(CompletableFuture.supplyAsync(() -> exists(v), PROBE_THREADS));
    }
    boolean[] found = new boolean[versions.length];
    for (int i = 0; i < versions.length; i++) {
      try {
        found[i] = heads.get(i).join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }
    return found;
  }

  private boolean exists(long version) {
    return store.head(keyOf(version)).isPresent();
  }

  /**
   * The newest version and its bytes, or empty when there is none. A version never changes once
   * committed, so the bytes of the one this reader read last are not fetched again.
   */
  public Optional<Version> latest() {
    OptionalLong version = latestVersion();
    if (version.isEmpty()) {
      return Optional.empty();
    }
    Version last = lastRead;
    if (last != null && last.version() == version.getAsLong()) {
      return Optional.of(last);
    }
    Version read = new Version(version.getAsLong(), read(version.getAsLong()));
    lastRead = read;
    return Optional.of(read);
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

  /**
   * {@code version} is known committed (another reader reported it): the next search for the newest
   * starts there instead of where this reader last looked.
   */
  public void seen(long version) {
    remember(version);
  }

  /** The newest version this reader saw committed or read (0: none). */
  public long lastKnownVersion() {
    return lastKnown.get();
  }

  /** This reader saw {@code version} (tests start a reader that far behind). */
  void remember(long version) {
    lastKnown.accumulateAndGet(version, Math::max);
  }

  /** One committed version and its document bytes. */
  public record Version(long version, byte[] bytes) {}
}
