package io.floe.dataplane.server;

import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Request.BatchWrite;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.protocol.Request.Delete;
import io.floe.core.protocol.Request.DescribeTable;
import io.floe.core.protocol.Request.Get;
import io.floe.core.protocol.Request.MultiGet;
import io.floe.core.protocol.Request.Put;
import io.floe.core.protocol.Request.Scan;
import io.floe.core.protocol.Request.TableStatus;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Response.Ack;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.KeyedRow;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import java.util.ArrayList;
import java.util.List;
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

  private static final Response ACK = new Ack();

  private final TableRegistry tables;
  private final TableHosting hosting;
  private final Supplier<String> advertisedEndpoint;

  public RequestProcessor(
      TableRegistry tables, TableHosting hosting, Supplier<String> advertisedEndpoint) {
    this.tables = tables;
    this.hosting = hosting;
    this.advertisedEndpoint = advertisedEndpoint;
  }

  public CompletableFuture<Response> process(Request request) {
    if (request instanceof Put p) {
      return put(p);
    } else if (request instanceof Get g) {
      return done(get(g));
    } else if (request instanceof BatchWrite b) {
      return batch(b);
    } else if (request instanceof Delete d) {
      return delete(d);
    } else if (request instanceof MultiGet m) {
      return done(multiGet(m));
    } else if (request instanceof Scan s) {
      return done(scan(s));
    }
    return done(admin(request));
  }

  private Response admin(Request request) {
    if (request instanceof DescribeTable d) {
      return describe(tables.get(d.table()));
    } else if (request instanceof TableStatus s) {
      return status(s);
    } else if (request instanceof CreateTable c) {
      hosting.create(c);
      return ACK;
    }
    return ACK; // ping
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
    for (KeyedRow row : rows) {
      keys.add(row.key());
      values.add(row.row());
    }
    byte[] next = rows.size() < limit ? null : ScanToken.after(rows.get(rows.size() - 1).key());
    return new Response.Scanned(keys, values, next);
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

  /** For the handler: an unexpected throwable becomes {@code INTERNAL}, never a dead channel. */
  static FloeRequestException internal(Throwable t) {
    return new FloeRequestException(ErrorCode.INTERNAL, t.toString());
  }
}
