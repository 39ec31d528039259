package io.floe.dataplane.server;

import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.MalformedFrameException;
import io.floe.core.protocol.Request;
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
import io.floe.core.protocol.Request.PrepareTerm;
import io.floe.core.protocol.Request.Put;
import io.floe.core.protocol.Request.PutIf;
import io.floe.core.protocol.Request.Scan;
import io.floe.core.protocol.Request.ScanMerged;
import io.floe.core.protocol.Request.TableStatus;
import io.floe.core.protocol.Request.Update;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Response.Ack;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.KeyedRow;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.replication.Replication;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Executes decoded requests against the hosted tables, on the connection's event loop: memory
 * operations are short, and staying on the loop saves a thread hand-off per request. Writes answer
 * with a future that completes when the table's durability mode is satisfied.
 */
public final class RequestProcessor {
  /** Largest page a scan returns, whatever limit the client asks for. */
  public static final int MAX_SCAN_LIMIT = 10_000;

  /** Most writes in one batch: the offsets of its answer must fit in one frame. */
  public static final int MAX_BATCH_WRITES = (Frames.MAX_FRAME_BYTES - Frames.HEADER_BYTES - 4) / 8;

  /**
   * A scan page ends once its keys and rows reach this many bytes (at least one row goes out), so
   * that a page of large rows still fits in one frame.
   */
  public static final int MAX_SCAN_PAGE_BYTES = 8 << 20;

  private static final Response ACK = new Ack();

  private final TableRegistry tables;
  private final TableHosting hosting;
  private final Supplier<String> advertisedEndpoint;

  private final Replication replication;

  public RequestProcessor(
      TableRegistry tables, TableHosting hosting, Supplier<String> advertisedEndpoint) {
    this(tables, hosting, advertisedEndpoint, null);
  }

  /**
   * @param replication the node's replication (APPEND, PREPARE_TERM, HAND_OVER), or null
   */
  public RequestProcessor(
      TableRegistry tables,
      TableHosting hosting,
      Supplier<String> advertisedEndpoint,
      Replication replication) {
    this.tables = tables;
    this.hosting = hosting;
    this.advertisedEndpoint = advertisedEndpoint;
    this.replication = replication;
  }

  /**
   * Runs one request. Every opcode has its handler here (the switch is exhaustive, so a new opcode
   * without one does not compile); nothing is acknowledged that was not understood.
   */
  public CompletableFuture<Response> process(Request request) {
    if (request == null) {
      throw new MalformedFrameException("no request to run");
    }
    return switch (request.opcode()) {
      case PING -> done(ACK);
      case DESCRIBE_TABLE -> done(describe(tables.get(((DescribeTable) request).table())));
      case TABLE_STATUS -> done(status((TableStatus) request));
      case CREATE_TABLE -> hosting.create((CreateTable) request).thenApply(table -> ACK);
      case PUT -> put((Put) request);
      case DELETE -> delete((Delete) request);
      case BATCH_WRITE -> batch((BatchWrite) request);
      case PUT_IF -> putIf((PutIf) request);
      case DELETE_IF -> deleteIf((DeleteIf) request);
      case UPDATE -> update((Update) request);
      case GET -> done(get((Get) request));
      case MULTI_GET -> done(multiGet((MultiGet) request));
      case SCAN -> done(scan((Scan) request));
      case SCAN_MERGED -> done(scanMerged((ScanMerged) request));
      case GET_ANY -> done(getAny((GetAny) request));
      case APPEND -> done(replication().onAppend((Append) request));
      case PREPARE_TERM -> done(prepare((PrepareTerm) request));
      case HAND_OVER -> replication().handOver((HandOver) request, tables);
    };
  }

  private Replication replication() {
    if (replication == null) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST, "this node does not take part in replication");
    }
    return replication;
  }

  private Response getAny(GetAny get) {
    HostedTable table = tables.get(get.table());
    byte[] key = table.checkKey(get.key());
    Partition.ReadAny read = table.partitionOf(key).getAny(key);
    return new Response.GetAnyResult(read.row(), read.appliedOffset());
  }

  /** PREPARE_TERM (replication.md §4.3); a term below the replica's is refused as FENCED. */
  private Response prepare(PrepareTerm request) {
    HostedTable table = tables.get(request.table());
    Partition p = table.partition(request.partition());
    if (request.term() < 1) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST, "term must be at least 1, found " + request.term());
    }
    long current = p.role().term();
    if (request.term() < current) {
      throw new FencedException(
          "partition "
              + request.partition()
              + " is at term "
              + current
              + ", above the prepared term "
              + request.term(),
          current);
    }
    Partition.Prepared prepared = replication().prepare(p, request.term());
    return new Response.Prepared(
        prepared.term(), prepared.offset(), prepared.lastTerm(), List.of());
  }

  private static CompletableFuture<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  private CompletableFuture<Response> put(Put put) {
    HostedTable table = tables.get(put.table());
    byte[] key = table.checkRow(put.row());
    return written(table.partitionOf(key).write(List.of(PartitionWrite.put(key, put.row())), -1));
  }

  private CompletableFuture<Response> delete(Delete delete) {
    HostedTable table = tables.get(delete.table());
    byte[] key = table.checkKey(delete.key());
    return written(table.partitionOf(key).write(List.of(PartitionWrite.delete(key)), -1));
  }

  private CompletableFuture<Response> putIf(PutIf put) {
    HostedTable table = tables.get(put.table());
    byte[] key = table.checkRow(put.row());
    return changed(
        table.partitionOf(key).writeIf(key, put.expected(), false, current -> put.row()));
  }

  private CompletableFuture<Response> deleteIf(DeleteIf delete) {
    HostedTable table = tables.get(delete.table());
    byte[] key = table.checkKey(delete.key());
    return changed(table.partitionOf(key).writeIf(key, delete.expected(), false, current -> null));
  }

  /** Validated before the lock; the merge with the current row happens under it. */
  private CompletableFuture<Response> update(Update update) {
    HostedTable table = tables.get(update.table());
    byte[] key = table.checkKey(update.key());
    HostedTable.CheckedUpdate values = table.checkUpdate(update.columns(), update.values());
    // The WAL logs what changed, not the whole row; not in a table with a TTL, whose reload drops
    // expired rows as it reads them and so could not apply a patch to one.
    byte[] patch = table.ttlMs().isPresent() ? null : values.partial().patch(update.values());
    return changed(
        table
            .partitionOf(key)
            .writeIf(key, update.expected(), true, current -> table.merge(current, values), patch));
  }

  private static CompletableFuture<Response> changed(Partition.ConditionalWrite write) {
    AppliedWrites applied = write.applied();
    Response response =
        new Response.Changed(applied.offsets()[0], applied.lastTimestamp(), write.priorVersion());
    return applied.durable().isDone() && !applied.durable().isCompletedExceptionally()
        ? done(response)
        : applied.durable().thenApply(ignored -> response);
  }

  private static CompletableFuture<Response> written(AppliedWrites applied) {
    Response response = new Response.Written(applied.offsets()[0], applied.lastTimestamp());
    return applied.durable().isDone() && !applied.durable().isCompletedExceptionally()
        ? done(response)
        : applied.durable().thenApply(ignored -> response);
  }

  private CompletableFuture<Response> batch(BatchWrite batch) {
    HostedTable table = tables.get(batch.table());
    if (batch.writes().isEmpty()) {
      return done(new Response.BatchWritten(new long[0]));
    }
    if (batch.writes().size() > MAX_BATCH_WRITES) {
      // Checked before anything applies: the answer (8 bytes an offset) must fit in one frame.
      throw new MalformedFrameException(
          "batch: " + batch.writes().size() + " writes, at most " + MAX_BATCH_WRITES);
    }
    HostedTable.BatchResult result = table.writeBatch(batch.writes());
    Response response = new Response.BatchWritten(result.offsets());
    return result.durable().thenApply(ignored -> response);
  }

  private Response get(Get get) {
    HostedTable table = tables.get(get.table());
    byte[] key = table.checkKey(get.key());
    return new Response.Got(table.partitionOf(key).get(key));
  }

  private Response multiGet(MultiGet get) {
    HostedTable table = tables.get(get.table());
    List<byte[]> rows = new ArrayList<>(get.keys().size());
    for (byte[] key : get.keys()) {
      table.checkKey(key);
    }
    for (byte[] key : get.keys()) {
      rows.add(table.partitionOf(key).get(key));
    }
    return new Response.MultiGot(rows);
  }

  private Response scan(Scan scan) {
    HostedTable table = tables.get(scan.table());
    Partition partition = table.partition(scan.partition());
    if (scan.limit() < 1) {
      throw new FloeRequestException(ErrorCode.MALFORMED_REQUEST, "scan limit must be at least 1");
    }
    int limit = Math.min(scan.limit(), MAX_SCAN_LIMIT);
    byte[] start =
        scan.continuation() != null ? ScanToken.resumeAfter(scan.continuation()) : scan.start();
    boolean startInclusive = scan.continuation() == null && scan.startInclusive();
    List<KeyedRow> rows =
        partition.scan(start, startInclusive, scan.end(), scan.endInclusive(), limit);
    List<byte[]> keys = new ArrayList<>(rows.size());
    List<byte[]> values = new ArrayList<>(rows.size());
    long pageBytes = 0;
    for (KeyedRow row : rows) {
      if (!keys.isEmpty()
          && pageBytes + row.key().length + row.row().length > MAX_SCAN_PAGE_BYTES) {
        break;
      }
      keys.add(row.key());
      values.add(row.row());
      pageBytes += row.key().length + row.row().length;
    }
    boolean full = keys.size() < rows.size() || rows.size() == limit;
    byte[] next = full ? ScanToken.after(keys.get(keys.size() - 1)) : null;
    return new Response.Scanned(keys, values, next);
  }

  /**
   * The partitions' rows in the range merged in key order, read lazily from each (a partition is
   * read only as far as the merge takes rows from it); the page ends at the limit or the page
   * bytes, with a continuation only when a row is left after it. Every partition must be led here.
   */
  private Response scanMerged(ScanMerged scan) {
    HostedTable table = tables.get(scan.table());
    if (scan.limit() < 1) {
      throw new FloeRequestException(ErrorCode.MALFORMED_REQUEST, "scan limit must be at least 1");
    }
    if (scan.partitions().isEmpty()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST, "a merged scan needs at least one partition");
    }
    if (new HashSet<>(scan.partitions()).size() != scan.partitions().size()) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "a merged scan names a partition twice: " + scan.partitions());
    }
    int limit = Math.min(scan.limit(), MAX_SCAN_LIMIT);
    byte[] start =
        scan.continuation() != null ? ScanToken.resumeAfter(scan.continuation()) : scan.start();
    boolean startInclusive = scan.continuation() == null && scan.startInclusive();
    List<Partition> partitions = new ArrayList<>(scan.partitions().size());
    for (int pid : scan.partitions()) {
      partitions.add(table.partition(pid));
    }
    PriorityQueue<MergeHead> heads =
        new PriorityQueue<>(
            partitions.size(), (a, b) -> Arrays.compareUnsigned(a.row.key(), b.row.key()));
    for (Partition partition : partitions) {
      Iterator<KeyedRow> rows =
          partition.cursor(start, startInclusive, scan.end(), scan.endInclusive());
      if (rows.hasNext()) {
        heads.add(new MergeHead(rows.next(), rows));
      }
    }
    List<byte[]> keys = new ArrayList<>(Math.min(limit, 1024));
    List<byte[]> values = new ArrayList<>(Math.min(limit, 1024));
    long pageBytes = 0;
    while (keys.size() < limit && !heads.isEmpty()) {
      MergeHead head = heads.peek();
      KeyedRow row = head.row;
      long bytes = row.key().length + row.row().length;
      if (!keys.isEmpty() && pageBytes + bytes > MAX_SCAN_PAGE_BYTES) {
        break;
      }
      heads.poll();
      keys.add(row.key());
      values.add(row.row());
      pageBytes += bytes;
      if (head.rest.hasNext()) {
        head.row = head.rest.next();
        heads.add(head);
      }
    }
    byte[] next = heads.isEmpty() ? null : ScanToken.after(keys.get(keys.size() - 1));
    return new Response.Scanned(keys, values, next);
  }

  /** A partition's next row in a merged scan, and the rows after it. */
  private static final class MergeHead {
    KeyedRow row;
    final Iterator<KeyedRow> rest;

    MergeHead(KeyedRow row, Iterator<KeyedRow> rest) {
      this.row = row;
      this.rest = rest;
    }
  }

  private Response describe(HostedTable table) {
    List<String> leaders = new ArrayList<>(table.partitionCount());
    for (int pid = 0; pid < table.partitionCount(); pid++) {
      Partition p = table.partitionOrNull(pid);
      leaders.add(p == null ? table.leaderHint(pid) : leaderOf(p));
    }
    return new Response.TableDescription(
        SchemaParser.toJson(table.schema()), table.durability(), leaders);
  }

  private String leaderOf(Partition p) {
    if (p == null) {
      return "";
    }
    return p.currentRole() == io.floe.core.partition.PartitionRole.LEADER
        ? advertisedEndpoint.get()
        : p.role().leaderEndpoint();
  }

  private Response status(TableStatus request) {
    HostedTable table = tables.get(request.table());
    List<PartitionStatus> out = new ArrayList<>();
    if (request.partition() >= 0) {
      out.add(table.partition(request.partition()).status());
    } else {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null) {
          out.add(p.status());
        }
      }
    }
    return new Response.Statuses(out);
  }
}
