package io.floe.core.protocol;

import static io.floe.core.protocol.Wire.readBytes;
import static io.floe.core.protocol.Wire.readCount;
import static io.floe.core.protocol.Wire.readInt;
import static io.floe.core.protocol.Wire.readLong;
import static io.floe.core.protocol.Wire.readString;
import static io.floe.core.protocol.Wire.readUnsignedByte;
import static io.floe.core.protocol.Wire.writeBytes;
import static io.floe.core.protocol.Wire.writeString;

import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.Response.AppendResults;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND and its answer to and from bytes, as {@code replication.md} §4.1–§4.2 lay them out. Kept
 * apart from the client-facing codecs: it is the replication stream's hot path, so it reads each
 * entry straight into its record and builds error messages only when a frame is refused.
 */
final class AppendCodec {
  /** tid, pid, term, term start, prev, commit and shipped offsets, flags, entry count. */
  static final int BLOCK_MIN_BYTES = 8 + 4 + 5 * 8 + 1 + 4;

  /** offset, term, timestamp, op, key length, row length (empty key and row). */
  static final int ENTRY_MIN_BYTES = 3 * 8 + 1 + 4 + 4;

  /** tid, pid, code, term, offset. */
  static final int RESULT_BYTES = 8 + 4 + 1 + 8 + 8;

  static final int OP_PUT = 0;
  static final int OP_DELETE = 1;

  private AppendCodec() {}

  static void encode(Append append, ByteBuf out) {
    writeString(out, append.leader());
    out.writeInt(append.blocks().size());
    for (AppendBlock block : append.blocks()) {
      encodeBlock(block, out);
    }
  }

  private static void encodeBlock(AppendBlock b, ByteBuf out) {
    out.writeLong(b.tableId());
    out.writeInt(b.partition());
    out.writeLong(b.term()).writeLong(b.termStart()).writeLong(b.prevOffset());
    out.writeLong(b.commitOffset()).writeLong(b.shippedOffset());
    out.writeByte(b.flags());
    out.writeInt(b.entries().size());
    for (ReplicatedEntry e : b.entries()) {
      out.writeLong(e.offset()).writeLong(e.term()).writeLong(e.timestamp());
      out.writeByte(e.delete() ? OP_DELETE : OP_PUT);
      writeBytes(out, e.key());
      if (e.delete()) {
        out.writeInt(0); // a delete's row is empty bytes
      } else {
        writeBytes(out, e.row());
      }
    }
  }

  /**
   * @throws MalformedFrameException naming the block (and entry) at fault
   */
  static Append decode(ByteBuf in) {
    String leader = readString(in, "leader");
    int count = readCount(in, "blocks", BLOCK_MIN_BYTES);
    List<AppendBlock> blocks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      try {
        blocks.add(decodeBlock(in));
      } catch (MalformedFrameException e) {
        throw new MalformedFrameException("APPEND block " + i + ": " + e.reason());
      }
    }
    return new Append(leader, blocks);
  }

  private static AppendBlock decodeBlock(ByteBuf in) {
    long tableId = readLong(in, "tid");
    int partition = readInt(in, "pid");
    long term = readLong(in, "term");
    long termStart = readLong(in, "term start offset");
    long prevOffset = readLong(in, "prev offset");
    long commitOffset = readLong(in, "commit offset");
    long shippedOffset = readLong(in, "shipped offset");
    int flags = readUnsignedByte(in, "flags");
    int count = readCount(in, "entries", ENTRY_MIN_BYTES);
    List<ReplicatedEntry> entries = count == 0 ? List.of() : new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      try {
        entries.add(decodeEntry(in, prevOffset + 1 + i));
      } catch (MalformedFrameException e) {
        throw new MalformedFrameException("entry " + i + ": " + e.reason());
      }
    }
    return new AppendBlock(
        tableId,
        partition,
        term,
        termStart,
        prevOffset,
        commitOffset,
        shippedOffset,
        flags,
        entries);
  }

  /** The entries of a block are dense after its prev offset: anything else is a broken sender. */
  private static ReplicatedEntry decodeEntry(ByteBuf in, long expectedOffset) {
    long offset = readLong(in, "offset");
    if (offset != expectedOffset) {
      throw new MalformedFrameException(
          "offset " + offset + ", expected " + expectedOffset + " (prev offset + 1, + 2, …)");
    }
    long term = readLong(in, "term");
    long timestamp = readLong(in, "timestamp");
    int op = readUnsignedByte(in, "op");
    if (op != OP_PUT && op != OP_DELETE) {
      throw new MalformedFrameException("op " + op + " (0 put, 1 delete)");
    }
    byte[] key = readBytes(in, "key");
    if (op == OP_PUT) {
      return new ReplicatedEntry(offset, term, timestamp, false, key, readBytes(in, "row"));
    }
    int rowLength = readInt(in, "row");
    if (rowLength != 0) {
      throw new MalformedFrameException(
          "row of " + rowLength + " bytes in a delete (must be empty)");
    }
    return new ReplicatedEntry(offset, term, timestamp, true, key, null);
  }

  static void encodeResults(AppendResults answer, ByteBuf out) {
    out.writeInt(answer.results().size());
    for (AppendResult r : answer.results()) {
      out.writeLong(r.tableId());
      out.writeInt(r.partition());
      out.writeByte(r.code().code());
      out.writeLong(r.term()).writeLong(r.offset());
    }
  }

  /** Fixed-size results: the count check covers every read that follows it. */
  static AppendResults decodeResults(ByteBuf in) {
    int count = readCount(in, "append results", RESULT_BYTES);
    List<AppendResult> results = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      results.add(
          new AppendResult(
              in.readLong(),
              in.readInt(),
              AppendCode.of(in.readUnsignedByte()),
              in.readLong(),
              in.readLong()));
    }
    return new AppendResults(results);
  }
}
