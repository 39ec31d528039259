package io.floe.storage.wal;

/**
 * The key layout of WAL streams (DESIGN.md §6): {@code wal/{node}/{incarnation}/{seq:020d}.wal}.
 * Zero-padded sequence numbers make key order equal sequence order in listings.
 */
public final class WalKeys {
  public static final String ROOT = "wal/";
  public static final String SUFFIX = ".wal";

  private WalKeys() {}

  /** The prefix under which one incarnation of a node writes its stream, ending in '/'. */
  public static String streamPrefix(String node, long incarnation) {
    checkSegment(node);
    if (incarnation < 0) {
      throw new IllegalArgumentException("negative incarnation " + incarnation);
    }
    return ROOT + node + "/" + incarnation + "/";
  }

  /** The key of sequence number {@code seq} in a node incarnation's stream. */
  public static String objectKey(String node, long incarnation, long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("negative sequence " + seq);
    }
    return streamPrefix(node, incarnation) + String.format("%020d", seq) + SUFFIX;
  }

  /** The sequence number of a WAL object key. */
  public static long sequenceOf(String key) {
    int slash = key.lastIndexOf('/');
    if (!key.startsWith(ROOT)
        || !key.endsWith(SUFFIX)
        || key.length() - SUFFIX.length() - slash - 1 != 20) {
      throw new IllegalArgumentException("not a WAL object key: " + key);
    }
    try {
      return Long.parseLong(key, slash + 1, key.length() - SUFFIX.length(), 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a WAL object key: " + key, e);
    }
  }

  private static void checkSegment(String node) {
    if (node == null || node.isEmpty() || node.contains("/")) {
      throw new IllegalArgumentException("node id must be non-empty without '/': " + node);
    }
  }
}
