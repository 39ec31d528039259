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

  /**
   * Whether {@code key} has the form of a WAL object key. Other objects may share a stream's prefix
   * (some stores list an upload in progress under a temporary name beside its key, and anyone can
   * copy an object there): they are not part of the stream.
   */
  public static boolean isObjectKey(String key) {
    return parse(key) >= 0;
  }

  /** The sequence number of a WAL object key. */
  public static long sequenceOf(String key) {
    long seq = parse(key);
    if (seq < 0) {
      throw new IllegalArgumentException("not a WAL object key: " + key);
    }
    return seq;
  }

  /** The sequence number of {@code key}, or -1 when it is not a WAL object key. */
  private static long parse(String key) {
    int slash = key.lastIndexOf('/');
    int end = key.length() - SUFFIX.length();
    if (!key.startsWith(ROOT) || !key.endsWith(SUFFIX) || end - slash - 1 != 20) {
      return -1;
    }
    long seq = 0;
    for (int i = slash + 1; i < end; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9' || seq > (Long.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      seq = seq * 10 + (c - '0');
    }
    return seq;
  }

  private static void checkSegment(String node) {
    if (node == null || node.isEmpty() || node.contains("/")) {
      throw new IllegalArgumentException("node id must be non-empty without '/': " + node);
    }
  }
}
