package io.floe.dataplane.server;

import io.floe.core.protocol.MalformedFrameException;
import java.util.Arrays;

/**
 * Scan continuation tokens ({@code data-protocol.md} §4.9): a version byte and the last key
 * returned. Opaque to clients, so the layout may change with the version byte.
 */
final class ScanToken {
  private static final byte VERSION = 1;

  private ScanToken() {}

  static byte[] after(byte[] lastKey) {
    byte[] token = new byte[lastKey.length + 1];
    token[0] = VERSION;
    System.arraycopy(lastKey, 0, token, 1, lastKey.length);
    return token;
  }

  /** The key to resume after (exclusive). */
  static byte[] resumeAfter(byte[] token) {
    if (token.length < 1 || token[0] != VERSION) {
      throw new MalformedFrameException("scan continuation token is not one this node issued");
    }
    return Arrays.copyOfRange(token, 1, token.length);
  }
}
