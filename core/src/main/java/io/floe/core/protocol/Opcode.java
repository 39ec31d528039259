package io.floe.core.protocol;

/**
 * Request opcodes of the data protocol ({@code schemas/spec/data-protocol.md} §4; the replication
 * and admin opcodes in {@code schemas/spec/replication.md} §4, §9). A response carries its
 * request's opcode with the high bit set; an error response carries {@link #ERROR}.
 */
public enum Opcode {
  PING(0x01),
  DESCRIBE_TABLE(0x02),
  TABLE_STATUS(0x03),
  /** Pre-control-plane seam: creates a table whose partitions this node leads. */
  CREATE_TABLE(0x0F),
  PUT(0x10),
  DELETE(0x11),
  BATCH_WRITE(0x12),
  /** A put applied only if the row's version is the expected one. */
  PUT_IF(0x13),
  /** A delete, optionally conditional, that answers the row's prior version. */
  DELETE_IF(0x14),
  /** Writes the named columns of an existing row, optionally conditional. */
  UPDATE(0x15),
  GET(0x20),
  MULTI_GET(0x21),
  SCAN(0x22),
  /** A GET that any replica answers from its memory, with its applied offset (follower read). */
  GET_ANY(0x23),
  /** SCAN over several partitions of a node, merged by the node in key order. */
  SCAN_MERGED(0x24),
  /** Leader to follower: the entries and offsets of the partitions it leads. */
  APPEND(0x40),
  /** Admin: moves a replica to a new term and asks for its offset and term history. */
  PREPARE_TERM(0x41),
  /** Admin: a leader stops writes and catches a target follower up before a leader change. */
  HAND_OVER(0x42);

  /** The opcode of an error response. */
  public static final int ERROR = 0xFF;

  /** Set on the opcode of every successful response. */
  public static final int RESPONSE_BIT = 0x80;

  private static final Opcode[] BY_CODE = new Opcode[128];

  static {
    for (Opcode op : values()) {
      BY_CODE[op.code] = op;
    }
  }

  private final int code;

  Opcode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public int responseCode() {
    return code | RESPONSE_BIT;
  }

  /** The request opcode with this code, or null when unknown. */
  public static Opcode of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
