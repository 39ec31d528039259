package io.floe.core.protocol;

import io.floe.core.table.Durability;
import java.util.List;

/** The requests of the data protocol, one record per opcode ({@code data-protocol.md} §4). */
public sealed interface Request {
  Opcode opcode();

  /** Liveness and round-trip measurement. */
  record Ping() implements Request {
    public Opcode opcode() {
      return Opcode.PING;
    }
  }

  /** Schema, durability and the leader endpoint of every partition of a table. */
  record DescribeTable(String table) implements Request {
    public Opcode opcode() {
      return Opcode.DESCRIBE_TABLE;
    }
  }

  /** {@code gettablestatus}: one partition, or every partition on this node when -1. */
  record TableStatus(String table, int partition) implements Request {
    public Opcode opcode() {
      return Opcode.TABLE_STATUS;
    }
  }

  /** Pre-control-plane seam: creates a table whose every partition this node leads (term 1). */
  record CreateTable(
      String table, long tableId, String schemaJson, int partitions, Durability durability)
      implements Request {
    public Opcode opcode() {
      return Opcode.CREATE_TABLE;
    }
  }

  /** Inserts or replaces one row ({@code RowCodec} bytes). */
  record Put(String table, byte[] row) implements Request {
    public Opcode opcode() {
      return Opcode.PUT;
    }
  }

  /** Deletes the row of one encoded key ({@code KeyCodec} bytes). */
  record Delete(String table, byte[] key) implements Request {
    public Opcode opcode() {
      return Opcode.DELETE;
    }
  }

  /** Expected version of a conditional write meaning "no condition". */
  long ANY_VERSION = -1;

  /** Expected version of a conditional write meaning "the row must be absent". */
  long ABSENT = 0;

  /** Puts {@code row} if its key's current version is {@code expected} (§4.1.1). */
  record PutIf(String table, long expected, byte[] row) implements Request {
    public Opcode opcode() {
      return Opcode.PUT_IF;
    }
  }

  /** Deletes the row of {@code key} if its current version is {@code expected} (-1: any). */
  record DeleteIf(String table, long expected, byte[] key) implements Request {
    public Opcode opcode() {
      return Opcode.DELETE_IF;
    }
  }

  /**
   * Writes the named columns of the existing row of {@code key}: {@code values} is the row encoding
   * of exactly those columns, in that order.
   */
  record Update(String table, long expected, byte[] key, List<String> columns, byte[] values)
      implements Request {
    public Opcode opcode() {
      return Opcode.UPDATE;
    }
  }

  /** Puts and deletes on one table, validated whole before any of them applies. */
  record BatchWrite(String table, List<Write> writes) implements Request {
    public Opcode opcode() {
      return Opcode.BATCH_WRITE;
    }
  }

  /** One write of a batch: a row to put, or a key to delete. */
  record Write(boolean delete, byte[] bytes) {
    public static Write put(byte[] row) {
      return new Write(false, row);
    }

    public static Write delete(byte[] key) {
      return new Write(true, key);
    }
  }

  record Get(String table, byte[] key) implements Request {
    public Opcode opcode() {
      return Opcode.GET;
    }
  }

  record MultiGet(String table, List<byte[]> keys) implements Request {
    public Opcode opcode() {
      return Opcode.MULTI_GET;
    }
  }

  /**
   * Rows of one partition with keys in a range, in key order. A null bound is unbounded; a non-null
   * continuation (from the previous page) resumes just after the last key returned.
   */
  record Scan(
      String table,
      int partition,
      byte[] start,
      boolean startInclusive,
      byte[] end,
      boolean endInclusive,
      int limit,
      byte[] continuation)
      implements Request {
    public Opcode opcode() {
      return Opcode.SCAN;
    }
  }

  /**
   * A SCAN of several partitions that this node leads, their rows merged in key order by the node:
   * one page of the range over all of them, so a table-wide scan costs a round trip per node, and
   * no more rows than it asks for ({@code data-protocol.md} §4.2).
   */
  record ScanMerged(
      String table,
      List<Integer> partitions,
      byte[] start,
      boolean startInclusive,
      byte[] end,
      boolean endInclusive,
      int limit,
      byte[] continuation)
      implements Request {
    public ScanMerged {
      partitions = List.copyOf(partitions);
    }

    public Opcode opcode() {
      return Opcode.SCAN_MERGED;
    }
  }

  /**
   * A GET any replica answers from its memory ({@code replication.md} §9): a follower's row may be
   * behind the leader's, by the replication lag.
   */
  record GetAny(String table, byte[] key) implements Request {
    public Opcode opcode() {
      return Opcode.GET_ANY;
    }
  }

  /**
   * Leader node to follower node: one block per partition the leader leads with a replica there
   * ({@code replication.md} §4.1). Blocks are independent: each is applied or refused alone.
   */
  record Append(String leader, List<AppendBlock> blocks) implements Request {
    public Opcode opcode() {
      return Opcode.APPEND;
    }
  }

  /**
   * Admin: fences a replica into {@code term} and asks what it holds, so that the caller can choose
   * a new leader ({@code replication.md} §4.3, §7.1).
   */
  record PrepareTerm(String table, int partition, long term) implements Request {
    public Opcode opcode() {
      return Opcode.PREPARE_TERM;
    }
  }

  /**
   * Admin: the leader of {@code term} stops writes and catches {@code target} (a node id) up, for a
   * cooperative leader change ({@code replication.md} §4.4, §7.3).
   */
  record HandOver(String table, int partition, long term, String target) implements Request {
    public Opcode opcode() {
      return Opcode.HAND_OVER;
    }
  }
}
