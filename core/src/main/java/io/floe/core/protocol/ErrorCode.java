package io.floe.core.protocol;

/**
 * The stable error codes of the data protocol ({@code data-protocol.md} §6). Numbers and names
 * never change meaning; new codes may be added, and a client MUST treat an unknown one as {@link
 * #INTERNAL}.
 */
public enum ErrorCode {
  /** This node does not lead the partition; the detail names the leader's endpoint when known. */
  NOT_LEADER(1, true),
  TABLE_NOT_FOUND(2, false),
  SCHEMA_VIOLATION(3, false),
  ROW_TOO_LARGE(4, false),
  /**
   * The node is over its memory limit; writes are refused, reads still served. Retryable on
   * purpose: nothing was applied and space frees up (WAL shipped, rows deleted), so the client
   * backs off and tries again until the request's deadline rather than failing at once.
   */
  MEMORY_LIMIT(5, true),
  /** The partition (or node) was fenced by a newer term; the detail holds that term. */
  FENCED(6, false),
  /** The partition is loading; nothing was applied, retry later. */
  PARTITION_LOADING(7, true),
  PARTITION_NOT_FOUND(8, false),
  MALFORMED_REQUEST(9, false),
  FRAME_TOO_LARGE(10, false),
  UNSUPPORTED_VERSION(11, false),
  INTERNAL(12, false),
  /**
   * A conditional write found another version of the row (or an update found no row); nothing was
   * applied. A definite answer: the detail holds the row's current version, 0 when absent.
   */
  CONDITION_FAILED(13, false);

  private final int code;
  private final boolean retryable;

  ErrorCode(int code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public int code() {
    return code;
  }

  /**
   * Whether the refusal is transient: the request was not applied and the same request may succeed
   * later, at this node or the leader it names, so a client retries it with back-off until its
   * deadline ({@code data-protocol.md} §6). Implies {@link #certainlyNotApplied()}.
   */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Whether the node certainly applied nothing of the request: true of every refusal but {@link
   * #INTERNAL} (whose outcome is unknown), and so of every code a client does not know.
   */
  public boolean certainlyNotApplied() {
    return this != INTERNAL;
  }

  /** The code with this number; {@link #INTERNAL} for a number this version does not know. */
  public static ErrorCode of(int code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code == code) {
        return candidate;
      }
    }
    return INTERNAL;
  }
}
