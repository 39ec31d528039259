package io.floe.core.protocol;

/**
 * A follower's answer to one block of an APPEND ({@code replication.md} §4.2). Codes may be added
 * within a protocol version: a code this side does not know reads as {@link #NOT_READY}, on which a
 * leader only waits and sends again (§11).
 */
public enum AppendCode {
  /** Every entry applied (or already held). */
  OK(0),
  /** The block's term is below the follower's: the sender is deposed. */
  STALE_TERM(1),
  /** {@code prev offset} is not the follower's applied offset: send again from its offset + 1. */
  GAP(2),
  /** The follower is loading, reloading or does not host the partition (yet). */
  NOT_READY(3),
  /** The follower held entries the leader never had: it discards them and reloads. */
  DIVERGED(4);

  private static final AppendCode[] BY_CODE = new AppendCode[256];

  static {
    for (AppendCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;

  AppendCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The code for {@code code}; an unknown one is {@link #NOT_READY}. */
  public static AppendCode of(int code) {
    AppendCode known = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    return known != null ? known : NOT_READY;
  }
}
