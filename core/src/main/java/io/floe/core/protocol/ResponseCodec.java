package io.floe.core.protocol;

import static io.floe.core.protocol.Wire.readBool;
import static io.floe.core.protocol.Wire.readBytes;
import static io.floe.core.protocol.Wire.readCount;
import static io.floe.core.protocol.Wire.readLong;
import static io.floe.core.protocol.Wire.readLongString;
import static io.floe.core.protocol.Wire.readString;
import static io.floe.core.protocol.Wire.readUnsignedByte;
import static io.floe.core.protocol.Wire.readUnsignedShort;
import static io.floe.core.protocol.Wire.writeBytes;
import static io.floe.core.protocol.Wire.writeLongString;
import static io.floe.core.protocol.Wire.writeString;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.Response.Ack;
import io.floe.core.protocol.Response.AppendResults;
import io.floe.core.protocol.Response.BatchWritten;
import io.floe.core.protocol.Response.Changed;
import io.floe.core.protocol.Response.Error;
import io.floe.core.protocol.Response.GetAnyResult;
import io.floe.core.protocol.Response.Got;
import io.floe.core.protocol.Response.HandedOver;
import io.floe.core.protocol.Response.MultiGot;
import io.floe.core.protocol.Response.Prepared;
import io.floe.core.protocol.Response.Scanned;
import io.floe.core.protocol.Response.Statuses;
import io.floe.core.protocol.Response.TableDescription;
import io.floe.core.protocol.Response.Written;
import io.floe.core.table.Durability;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Response bodies to and from bytes ({@code data-protocol.md} §5 and §6; {@code replication.md} §4
 * and §9 for the replication and admin answers).
 */
public final class ResponseCodec {
  /** term, start offset. */
  private static final int TERM_START_BYTES = 2 * 8;

  private ResponseCodec() {}

  /** The opcode of the frame that carries {@code response} to a request of {@code request}. */
  public static int frameOpcode(Opcode request, Response response) {
    return response instanceof Error ? Opcode.ERROR : request.responseCode();
  }

  public static void encode(Response response, ByteBuf out) {
    if (response instanceof Written w) {
      out.writeLong(w.offset()).writeLong(w.timestamp());
    } else if (response instanceof Changed c) {
      out.writeLong(c.offset()).writeLong(c.timestamp()).writeLong(c.priorVersion());
    } else if (response instanceof Got g) {
      writeOptional(out, g.row());
    } else if (response instanceof BatchWritten b) {
      out.writeInt(b.offsets().length);
      for (long offset : b.offsets()) {
        out.writeLong(offset);
      }
    } else if (response instanceof MultiGot m) {
      out.writeInt(m.rows().size());
      m.rows().forEach(row -> writeOptional(out, row));
    } else if (response instanceof Scanned s) {
      encodeScanned(s, out);
    } else if (response instanceof AppendResults a) {
      AppendCodec.encodeResults(a, out);
    } else {
      encodeOther(response, out);
    }
  }

  private static void encodeOther(Response response, ByteBuf out) {
    if (response instanceof Error e) {
      out.writeShort(e.code().code());
      writeString(out, truncate(e.message()));
      writeString(out, e.detail());
    } else if (response instanceof TableDescription d) {
      writeLongString(out, d.schemaJson());
      out.writeByte(d.durability().ordinal());
      out.writeInt(d.leaders().size());
      d.leaders().forEach(leader -> writeString(out, leader));
    } else if (response instanceof Statuses s) {
      encodeStatuses(s, out);
    } else {
      encodeReplicaAdmin(response, out);
    }
  }

  private static void encodeReplicaAdmin(Response response, ByteBuf out) {
    if (response instanceof GetAnyResult g) {
      writeOptional(out, g.rowOrNull());
      out.writeLong(g.appliedOffset());
    } else if (response instanceof Prepared p) {
      out.writeLong(p.term()).writeLong(p.appliedOffset()).writeLong(p.lastTerm());
      out.writeInt(p.history().size());
      for (TermStart start : p.history()) {
        out.writeLong(start.term()).writeLong(start.startOffset());
      }
    } else if (response instanceof HandedOver h) {
      out.writeLong(h.lastOffset()).writeLong(h.lastSeq());
    } else if (!(response instanceof Ack)) {
      throw new IllegalArgumentException("no encoding for " + response);
    }
  }

  private static String truncate(String message) {
    return message.length() > 4096 ? message.substring(0, 4096) + "…" : message;
  }

  private static void encodeStatuses(Statuses s, ByteBuf out) {
    out.writeInt(s.partitions().size());
    for (PartitionStatus p : s.partitions()) {
      out.writeInt(p.partition());
      out.writeByte(p.state().code());
      out.writeByte(p.role().code());
      out.writeLong(p.term()).writeLong(p.offset());
      out.writeLong(p.rowCount()).writeLong(p.memoryBytes());
    }
  }

  private static void encodeScanned(Scanned s, ByteBuf out) {
    out.writeInt(s.keys().size());
    for (int i = 0; i < s.keys().size(); i++) {
      writeBytes(out, s.keys().get(i));
      writeBytes(out, s.rows().get(i));
    }
    writeOptional(out, s.continuation());
  }

  private static void writeOptional(ByteBuf out, byte[] value) {
    out.writeByte(value == null ? 0 : 1);
    if (value != null) {
      writeBytes(out, value);
    }
  }

  /**
   * Decodes the body of a response frame with opcode {@code frameOpcode} to a request of {@code
   * request}.
   */
  public static Response decode(Opcode request, int frameOpcode, ByteBuf in) {
    if (frameOpcode == Opcode.ERROR) {
      ErrorCode code = ErrorCode.of(readUnsignedShort(in, "error code"));
      return new Error(code, readString(in, "error message"), readString(in, "error detail"));
    }
    if (frameOpcode != request.responseCode()) {
      throw new MalformedFrameException(
          "response opcode 0x"
              + Integer.toHexString(frameOpcode)
              + " to a "
              + request
              + " request");
    }
    Response response =
        switch (request) {
          case PING, CREATE_TABLE -> new Ack();
          case DESCRIBE_TABLE -> decodeDescription(in);
          case TABLE_STATUS -> decodeStatuses(in);
          case PUT, DELETE -> new Written(readLong(in, "offset"), readLong(in, "timestamp"));
          case PUT_IF, DELETE_IF, UPDATE ->
              new Changed(
                  readLong(in, "offset"), readLong(in, "timestamp"), readLong(in, "prior version"));
          case BATCH_WRITE -> decodeBatchWritten(in);
          case GET -> new Got(readOptional(in, "row"));
          case MULTI_GET -> decodeMultiGot(in);
          case SCAN, SCAN_MERGED -> decodeScanned(in);
          case GET_ANY -> new GetAnyResult(readOptional(in, "row"), readLong(in, "applied offset"));
          case APPEND -> AppendCodec.decodeResults(in);
          case PREPARE_TERM -> decodePrepared(in);
          case HAND_OVER -> new HandedOver(readLong(in, "last offset"), readLong(in, "last seq"));
        };
    Wire.end(in, request + " response");
    return response;
  }

  private static TableDescription decodeDescription(ByteBuf in) {
    String schema = readLongString(in, "schema");
    int durability = readUnsignedByte(in, "durability");
    if (durability >= Durability.values().length) {
      throw new MalformedFrameException("durability: unknown mode " + durability);
    }
    int count = readCount(in, "partitions", 2);
    List<String> leaders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      leaders.add(readString(in, "leader"));
    }
    return new TableDescription(schema, Durability.values()[durability], leaders);
  }

  private static Statuses decodeStatuses(ByteBuf in) {
    int count = readCount(in, "statuses", 38);
    List<PartitionStatus> statuses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      statuses.add(
          new PartitionStatus(
              in.readInt(),
              PartitionState.of(in.readUnsignedByte()),
              PartitionRole.of(in.readUnsignedByte()),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong()));
    }
    return new Statuses(statuses);
  }

  /** Fixed-size history steps: the count check covers every read that follows it. */
  private static Prepared decodePrepared(ByteBuf in) {
    long term = readLong(in, "term");
    long appliedOffset = readLong(in, "applied offset");
    long lastTerm = readLong(in, "last term");
    int count = readCount(in, "term history", TERM_START_BYTES);
    List<TermStart> history = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      history.add(new TermStart(in.readLong(), in.readLong()));
    }
    return new Prepared(term, appliedOffset, lastTerm, history);
  }

  private static BatchWritten decodeBatchWritten(ByteBuf in) {
    int count = readCount(in, "offsets", 8);
    long[] offsets = new long[count];
    for (int i = 0; i < count; i++) {
      offsets[i] = in.readLong();
    }
    return new BatchWritten(offsets);
  }

  private static MultiGot decodeMultiGot(ByteBuf in) {
    int count = readCount(in, "rows", 1);
    List<byte[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(readOptional(in, "row"));
    }
    return new MultiGot(rows);
  }

  private static Scanned decodeScanned(ByteBuf in) {
    int count = readCount(in, "scanned rows", 8);
    List<byte[]> keys = new ArrayList<>(count);
    List<byte[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(readBytes(in, "key"));
      rows.add(readBytes(in, "row"));
    }
    return new Scanned(keys, rows, readOptional(in, "continuation"));
  }

  private static byte[] readOptional(ByteBuf in, String what) {
    return readBool(in, what + " present") ? readBytes(in, what) : null;
  }
}
