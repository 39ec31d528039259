package io.floe.core.protocol;

import static io.floe.core.protocol.Wire.readBool;
import static io.floe.core.protocol.Wire.readBytes;
import static io.floe.core.protocol.Wire.readCount;
import static io.floe.core.protocol.Wire.readInt;
import static io.floe.core.protocol.Wire.readLongString;
import static io.floe.core.protocol.Wire.readString;
import static io.floe.core.protocol.Wire.readUnsignedByte;
import static io.floe.core.protocol.Wire.writeBytes;
import static io.floe.core.protocol.Wire.writeLongString;
import static io.floe.core.protocol.Wire.writeString;

import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.Request.BatchWrite;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.protocol.Request.Delete;
import io.floe.core.protocol.Request.DeleteIf;
import io.floe.core.protocol.Request.DescribeTable;
import io.floe.core.protocol.Request.Get;
import io.floe.core.protocol.Request.GetAny;
import io.floe.core.protocol.Request.HandOver;
import io.floe.core.protocol.Request.MultiGet;
import io.floe.core.protocol.Request.Ping;
import io.floe.core.protocol.Request.PrepareTerm;
import io.floe.core.protocol.Request.Put;
import io.floe.core.protocol.Request.PutIf;
import io.floe.core.protocol.Request.Scan;
import io.floe.core.protocol.Request.ScanMerged;
import io.floe.core.protocol.Request.TableStatus;
import io.floe.core.protocol.Request.Update;
import io.floe.core.protocol.Request.Write;
import io.floe.core.table.Durability;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies to and from bytes, exactly as {@code data-protocol.md} §4 lays them out (and
 * {@code replication.md} §4 the replication and admin ones; APPEND in {@link AppendCodec}).
 */
public final class RequestCodec {
  private static final byte[] NONE = new byte[0];

  private RequestCodec() {}

  public static void encode(Request request, ByteBuf out) {
    if (request instanceof Put p) {
      writeString(out, p.table());
      writeBytes(out, p.row());
    } else if (request instanceof Get g) {
      writeString(out, g.table());
      writeBytes(out, g.key());
    } else if (request instanceof Delete d) {
      writeString(out, d.table());
      writeBytes(out, d.key());
    } else if (request instanceof BatchWrite b) {
      encodeBatch(b, out);
    } else if (request instanceof PutIf p) {
      writeString(out, p.table());
      out.writeLong(p.expected());
      writeBytes(out, p.row());
    } else if (request instanceof DeleteIf d) {
      writeString(out, d.table());
      out.writeLong(d.expected());
      writeBytes(out, d.key());
    } else if (request instanceof Update u) {
      encodeUpdate(u, out);
    } else if (request instanceof MultiGet m) {
      writeString(out, m.table());
      out.writeInt(m.keys().size());
      m.keys().forEach(key -> writeBytes(out, key));
    } else if (request instanceof Scan s) {
      encodeScan(s, out);
    } else if (request instanceof ScanMerged s) {
      encodeScanMerged(s, out);
    } else if (request instanceof Append a) {
      AppendCodec.encode(a, out);
    } else {
      encodeAdmin(request, out);
    }
  }

  private static void encodeAdmin(Request request, ByteBuf out) {
    if (request instanceof DescribeTable d) {
      writeString(out, d.table());
    } else if (request instanceof TableStatus s) {
      writeString(out, s.table());
      out.writeInt(s.partition());
    } else if (request instanceof CreateTable c) {
      writeString(out, c.table());
      out.writeLong(c.tableId());
      writeLongString(out, c.schemaJson());
      out.writeInt(c.partitions());
      out.writeByte(c.durability().ordinal());
    } else {
      encodeReplicaAdmin(request, out);
    }
  }

  private static void encodeReplicaAdmin(Request request, ByteBuf out) {
    if (request instanceof GetAny g) {
      writeString(out, g.table());
      writeBytes(out, g.key());
    } else if (request instanceof PrepareTerm p) {
      writeString(out, p.table());
      out.writeInt(p.partition());
      out.writeLong(p.term());
    } else if (request instanceof HandOver h) {
      writeString(out, h.table());
      out.writeInt(h.partition());
      out.writeLong(h.term());
      writeString(out, h.target());
    } else if (!(request instanceof Ping)) {
      throw new IllegalArgumentException("no encoding for " + request);
    }
  }

  private static void encodeBatch(BatchWrite batch, ByteBuf out) {
    writeString(out, batch.table());
    out.writeInt(batch.writes().size());
    for (Write write : batch.writes()) {
      out.writeByte(write.delete() ? 1 : 0);
      writeBytes(out, write.bytes());
    }
  }

  private static void encodeUpdate(Update u, ByteBuf out) {
    writeString(out, u.table());
    out.writeLong(u.expected());
    writeBytes(out, u.key());
    out.writeShort(u.columns().size());
    u.columns().forEach(column -> writeString(out, column));
    writeBytes(out, u.values());
  }

  private static void encodeScan(Scan s, ByteBuf out) {
    writeString(out, s.table());
    out.writeInt(s.partition());
    writeRange(out, s.start(), s.startInclusive(), s.end(), s.endInclusive());
    writePage(out, s.limit(), s.continuation());
  }

  private static void encodeScanMerged(ScanMerged s, ByteBuf out) {
    writeString(out, s.table());
    out.writeShort(s.partitions().size());
    s.partitions().forEach(out::writeInt);
    writeRange(out, s.start(), s.startInclusive(), s.end(), s.endInclusive());
    writePage(out, s.limit(), s.continuation());
  }

  /** The range and page of a scan, as SCAN and SCAN_MERGED both end. */
  private static void writeRange(
      ByteBuf out, byte[] start, boolean startInclusive, byte[] end, boolean endInclusive) {
    writeBound(out, start, startInclusive);
    writeBound(out, end, endInclusive);
  }

  private static void writePage(ByteBuf out, int limit, byte[] continuation) {
    out.writeInt(limit);
    writeBytes(out, continuation == null ? NONE : continuation);
  }

  /** A bound is a flag byte (bit 0: present, bit 1: inclusive) and, when present, the key. */
  private static void writeBound(ByteBuf out, byte[] key, boolean inclusive) {
    out.writeByte((key == null ? 0 : 1) | (inclusive ? 2 : 0));
    if (key != null) {
      writeBytes(out, key);
    }
  }

  /**
   * @throws MalformedFrameException when the body does not hold a well-formed request
   */
  public static Request decode(Opcode opcode, ByteBuf in) {
    Request request =
        switch (opcode) {
          case PING -> new Ping();
          case DESCRIBE_TABLE -> new DescribeTable(readString(in, "table"));
          case TABLE_STATUS -> new TableStatus(readString(in, "table"), readInt(in, "partition"));
          case CREATE_TABLE -> decodeCreate(in);
          case PUT -> new Put(readString(in, "table"), readBytes(in, "row"));
          case DELETE -> new Delete(readString(in, "table"), readBytes(in, "key"));
          case BATCH_WRITE -> decodeBatch(in);
          case PUT_IF ->
              new PutIf(readString(in, "table"), readExpected(in, false), readBytes(in, "row"));
          case DELETE_IF ->
              new DeleteIf(readString(in, "table"), readExpected(in, false), readBytes(in, "key"));
          case UPDATE -> decodeUpdate(in);
          case GET -> new Get(readString(in, "table"), readBytes(in, "key"));
          case MULTI_GET -> decodeMultiGet(in);
          case SCAN -> decodeScan(in);
          case SCAN_MERGED -> decodeScanMerged(in);
          case GET_ANY -> new GetAny(readString(in, "table"), readBytes(in, "key"));
          case APPEND -> AppendCodec.decode(in);
          case PREPARE_TERM ->
              new PrepareTerm(
                  readString(in, "table"), readInt(in, "partition"), Wire.readLong(in, "term"));
          case HAND_OVER -> decodeHandOver(in);
        };
    if (in.isReadable()) {
      Wire.end(in, opcode + " request"); // the message is built only when it is needed
    }
    return request;
  }

  /** An expected version: -1 (any), 0 (absent; not for an update) or a version ≥ 1. */
  private static long readExpected(ByteBuf in, boolean update) {
    long expected = Wire.readLong(in, "expected version");
    if (expected < Request.ANY_VERSION) {
      throw new MalformedFrameException(
          "expected version: " + expected + " (-1: any, 0: absent, n >= 1: that version)");
    }
    if (update && expected == Request.ABSENT) {
      throw new MalformedFrameException("expected version: an update needs an existing row, not 0");
    }
    return expected;
  }

  private static Update decodeUpdate(ByteBuf in) {
    String table = readString(in, "table");
    long expected = readExpected(in, true);
    byte[] key = readBytes(in, "key");
    int count = Wire.readUnsignedShort(in, "columns");
    if (count == 0) {
      throw new MalformedFrameException("columns: an update names at least one column");
    }
    List<String> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      columns.add(readString(in, "column"));
    }
    return new Update(table, expected, key, columns, readBytes(in, "values"));
  }

  private static HandOver decodeHandOver(ByteBuf in) {
    String table = readString(in, "table");
    int partition = readInt(in, "partition");
    long term = Wire.readLong(in, "term");
    return new HandOver(table, partition, term, readString(in, "target node"));
  }

  private static CreateTable decodeCreate(ByteBuf in) {
    String table = readString(in, "table");
    long tableId = Wire.readLong(in, "table id");
    String schema = readLongString(in, "schema");
    int partitions = readInt(in, "partitions");
    int durability = readUnsignedByte(in, "durability");
    if (durability >= Durability.values().length) {
      throw new MalformedFrameException("durability: unknown mode " + durability);
    }
    return new CreateTable(table, tableId, schema, partitions, Durability.values()[durability]);
  }

  private static BatchWrite decodeBatch(ByteBuf in) {
    String table = readString(in, "table");
    int count = readCount(in, "batch", 5);
    List<Write> writes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean delete = readBool(in, "batch entry kind");
      writes.add(new Write(delete, readBytes(in, "batch entry")));
    }
    return new BatchWrite(table, writes);
  }

  private static MultiGet decodeMultiGet(ByteBuf in) {
    String table = readString(in, "table");
    int count = readCount(in, "keys", 4);
    List<byte[]> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(readBytes(in, "key"));
    }
    return new MultiGet(table, keys);
  }

  private static Scan decodeScan(ByteBuf in) {
    String table = readString(in, "table");
    int partition = readInt(in, "partition");
    ScanTail t = readScanTail(in);
    return new Scan(
        table,
        partition,
        t.start,
        t.startInclusive,
        t.end,
        t.endInclusive,
        t.limit,
        t.continuation);
  }

  private static ScanMerged decodeScanMerged(ByteBuf in) {
    String table = readString(in, "table");
    int count = Wire.readUnsignedShort(in, "partition count");
    List<Integer> partitions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      partitions.add(readInt(in, "partition"));
    }
    ScanTail t = readScanTail(in);
    return new ScanMerged(
        table,
        partitions,
        t.start,
        t.startInclusive,
        t.end,
        t.endInclusive,
        t.limit,
        t.continuation);
  }

  /** What SCAN and SCAN_MERGED both end with: the range's bounds, the limit, the continuation. */
  private record ScanTail(
      byte[] start,
      boolean startInclusive,
      byte[] end,
      boolean endInclusive,
      int limit,
      byte[] continuation) {}

  private static ScanTail readScanTail(ByteBuf in) {
    int startFlags = readUnsignedByte(in, "start bound");
    byte[] start = (startFlags & 1) != 0 ? readBytes(in, "start key") : null;
    int endFlags = readUnsignedByte(in, "end bound");
    byte[] end = (endFlags & 1) != 0 ? readBytes(in, "end key") : null;
    int limit = readInt(in, "limit");
    byte[] continuation = readBytes(in, "continuation");
    return new ScanTail(
        start,
        (startFlags & 2) != 0,
        end,
        (endFlags & 2) != 0,
        limit,
        continuation.length == 0 ? null : continuation);
  }
}
