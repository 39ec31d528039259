package io.floe.dataplane.recovery;

import io.floe.core.storage.ObjectAlreadyExistsException;
import io.floe.core.storage.ObjectInfo;
import io.floe.core.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Claims this process's incarnation of a node id: one more than the highest claimed so far, taken
 * with a create-if-absent object {@code nodes/{node}/incarnations/{I:020d}} in S3, so two processes
 * never share a WAL stream even when etcd was wiped (DESIGN.md §7).
 */
public final class Incarnations {
  private static final int MAX_ATTEMPTS = 100;

  private Incarnations() {}

  public static String prefix(String node) {
    return "nodes/" + node + "/incarnations/";
  }

  public static String key(String node, long incarnation) {
    return prefix(node) + String.format("%020d", incarnation);
  }

  /** Claims and returns a new incarnation number for {@code node} (the first is 1). */
  public static long claim(ObjectStore store, String node) {
    long candidate = highest(store, node) + 1;
    byte[] body = ("{\"claimed-at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++, candidate++) {
      try {
        store.createIfAbsent(key(node, candidate), body);
        return candidate;
      } catch (ObjectAlreadyExistsException e) {
        // another process of this node id claimed it first: try the next number
      }
    }
    throw new IllegalStateException(
        "could not claim an incarnation of node " + node + " in " + MAX_ATTEMPTS + " attempts");
  }

  static long highest(ObjectStore store, String node) {
    String prefix = prefix(node);
    long max = 0;
    try (Stream<ObjectInfo> listing = store.list(prefix)) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) listing::iterator) {
        String tail = info.key().substring(prefix.length());
        if (tail.length() == 20 && tail.chars().allMatch(Character::isDigit)) {
          max = Math.max(max, Long.parseLong(tail));
        }
      }
    }
    return max;
  }
}
