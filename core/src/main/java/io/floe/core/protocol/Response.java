package io.floe.core.protocol;

import io.floe.core.partition.PartitionStatus;
import io.floe.core.table.Durability;
import java.util.List;

/** The responses of the data protocol ({@code data-protocol.md} §5). */
public sealed interface Response {
  /** Answer to ping and to create-table. */
  record Ack() implements Response {}

  record TableDescription(String schemaJson, Durability durability, List<String> leaders)
      implements Response {
    public int partitions() {
      return leaders.size();
    }
  }

  record Statuses(List<PartitionStatus> partitions) implements Response {}

  /** A put or delete applied at {@code offset} with hybrid-clock {@code timestamp}. */
  record Written(long offset, long timestamp) implements Response {}

  /**
   * A conditional write or update applied at {@code offset}; {@code priorVersion} is the row's
   * version just before it (0: there was no row).
   */
  record Changed(long offset, long timestamp, long priorVersion) implements Response {
    public boolean existed() {
      return priorVersion != 0;
    }
  }

  /** The offset each write of a batch got, in request order. */
  record BatchWritten(long[] offsets) implements Response {}

  /** {@code row} is null when the key has no row. */
  record Got(byte[] row) implements Response {}

  /** One entry per requested key, null where it has no row. */
  record MultiGot(List<byte[]> rows) implements Response {}

  /** {@code continuation} is null when the range is exhausted. */
  record Scanned(List<byte[]> keys, List<byte[]> rows, byte[] continuation) implements Response {}

  /**
   * A follower read ({@code replication.md} §9): {@code rowOrNull} is null when the key has no row
   * on that replica; {@code appliedOffset} is the replica's applied offset when it read.
   */
  record GetAnyResult(byte[] rowOrNull, long appliedOffset) implements Response {}

  /** One result per block of the APPEND, in the blocks' order ({@code replication.md} §4.2). */
  record AppendResults(List<AppendResult> results) implements Response {}

  /**
   * A replica moved to (or already in) {@code term}: its applied offset, the term of its last entry
   * (0: none) and its term history, oldest first ({@code replication.md} §4.3).
   */
  record Prepared(long term, long appliedOffset, long lastTerm, List<TermStart> history)
      implements Response {}

  /**
   * The leader handed the partition over: its last offset, and the last sequence of its WAL stream
   * holding an entry of the partition (0: none since the manifest's tail pointer; §4.4).
   */
  record HandedOver(long lastOffset, long lastSeq) implements Response {}

  record Error(ErrorCode code, String message, String detail) implements Response {
    public FloeRequestException toException() {
      return FloeRequestException.fromWire(code, message, detail);
    }

    public static Error of(FloeRequestException e) {
      return new Error(e.code(), e.reason(), e.detail());
    }
  }
}
