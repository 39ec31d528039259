package io.floe.client.impl;

import io.floe.client.Blocking;
import io.floe.client.DeleteResult;
import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTable;
import io.floe.client.FloeTimeoutException;
import io.floe.client.KeyRange;
import io.floe.client.ReadFrom;
import io.floe.client.ScanPage;
import io.floe.core.partition.PartitionStatus;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartialRow;
import io.floe.core.table.PartialRows;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.RowValidator;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A table reached through its partitions' leaders. Rows are validated and encoded here; each key is
 * hashed to its partition and sent to that partition's leader as the last description (or the last
 * {@code NOT_LEADER}) named it.
 */
public final class RemoteTable implements FloeTable {
  private final String name;
  private final Schema schema;
  private final RowCodec rowCodec;
  private final KeyCodec keyCodec;
  private final RowValidator validator;
  private final PartialRows partialRows;
  private final Requests requests;
  private final TableRouting routing;
  private final ReadFrom readFrom;
  private final AtomicInteger nextReplica = new AtomicInteger();

  private RemoteTable(String name, Schema schema, Requests requests, TableRouting routing) {
    this(name, schema, requests, routing, ReadFrom.LEADER);
  }

  private RemoteTable(
      String name, Schema schema, Requests requests, TableRouting routing, ReadFrom readFrom) {
    this.readFrom = readFrom;
    this.name = name;
    this.schema = schema;
    this.rowCodec = new RowCodec(schema);
    this.keyCodec = new KeyCodec(schema);
    this.validator = new RowValidator(schema);
    this.partialRows = new PartialRows(schema);
    this.requests = requests;
    this.routing = routing;
  }

  /** Describes the table from the first seed that answers. */
  public static RemoteTable describe(String name, List<String> seeds, Requests requests) {
    TableRouting routing = new TableRouting(name, seeds, requests);
    Response.TableDescription description = Blocking.join(routing.refresh());
    requests.register(routing);
    return new RemoteTable(
        name, SchemaParser.fromJson(description.schemaJson()), requests, routing);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public int partitions() {
    return routing.partitions();
  }

  // ---- writes --------------------------------------------------------------------------------

  @Override
  public CompletableFuture<Long> putAsync(Row row) {
    byte[] key;
    byte[] bytes;
    try {
      key = validator.validateAndEncodeKey(row);
      bytes = rowCodec.encode(row);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(key, new Request.Put(name, bytes));
  }

  @Override
  public long put(Row row) {
    byte[] key = validator.validateAndEncodeKey(row);
    byte[] bytes = rowCodec.encode(row);
    return ((Response.Written) call(false, partitionOf(key), new Request.Put(name, bytes)))
        .offset();
  }

  /**
   * Sent as DELETE_IF without a condition, whose answer says whether the row existed (DELETE's does
   * not); such deletes are therefore not coalesced into batch frames.
   */
  @Override
  public CompletableFuture<DeleteResult> deleteAsync(Object... keyValues) {
    return sendDelete(Request.ANY_VERSION, keyValues)
        .thenApply(c -> new DeleteResult(c.offset(), c.existed()));
  }

  @Override
  public DeleteResult delete(Object... key) {
    Response.Changed c = deleteNow(Request.ANY_VERSION, key);
    return new DeleteResult(c.offset(), c.existed());
  }

  @Override
  public CompletableFuture<Long> putIfAsync(Row row, long expectedVersion) {
    byte[] key;
    byte[] bytes;
    try {
      checkExpectedVersion(expectedVersion);
      key = validator.validateAndEncodeKey(row);
      bytes = rowCodec.encode(row);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return changed(key, new Request.PutIf(name, expectedVersion, bytes))
        .thenApply(Response.Changed::offset);
  }

  @Override
  public long putIf(Row row, long expectedVersion) {
    checkExpectedVersion(expectedVersion);
    byte[] key = validator.validateAndEncodeKey(row);
    byte[] bytes = rowCodec.encode(row);
    return changedNow(key, new Request.PutIf(name, expectedVersion, bytes)).offset();
  }

  private static void checkExpectedVersion(long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException(
          "expected version " + expectedVersion + ": 0 (absent) or a version >= 1");
    }
  }

  private static void checkExistingVersion(long expectedVersion) {
    if (expectedVersion < 1) {
      throw new IllegalArgumentException("expected version " + expectedVersion + ": must be >= 1");
    }
  }

  @Override
  public CompletableFuture<Long> putIfAbsentAsync(Row row) {
    return putIfAsync(row, Request.ABSENT);
  }

  @Override
  public long putIfAbsent(Row row) {
    return putIf(row, Request.ABSENT);
  }

  @Override
  public CompletableFuture<Long> deleteIfAsync(long expectedVersion, Object... key) {
    try {
      checkExistingVersion(expectedVersion);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sendDelete(expectedVersion, key).thenApply(Response.Changed::offset);
  }

  @Override
  public long deleteIf(long expectedVersion, Object... key) {
    checkExistingVersion(expectedVersion);
    return deleteNow(expectedVersion, key).offset();
  }

  private Response.Changed deleteNow(long expected, Object... keyValues) {
    byte[] key = keyCodec.encodeKey(keyValues);
    return changedNow(key, new Request.DeleteIf(name, expected, key));
  }

  private CompletableFuture<Response.Changed> sendDelete(long expected, Object... keyValues) {
    byte[] key;
    try {
      key = keyCodec.encodeKey(keyValues);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return changed(key, new Request.DeleteIf(name, expected, key));
  }

  @Override
  public CompletableFuture<Long> updateAsync(Map<String, Object> columns, Object... key) {
    return update(Request.ANY_VERSION, columns, key);
  }

  @Override
  public long update(Map<String, Object> columns, Object... key) {
    return updateNow(Request.ANY_VERSION, columns, key);
  }

  @Override
  public CompletableFuture<Long> updateIfAsync(
      long expectedVersion, Map<String, Object> columns, Object... key) {
    try {
      checkExistingVersion(expectedVersion);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return update(expectedVersion, columns, key);
  }

  @Override
  public long updateIf(long expectedVersion, Map<String, Object> columns, Object... key) {
    checkExistingVersion(expectedVersion);
    return updateNow(expectedVersion, columns, key);
  }

  private CompletableFuture<Long> update(
      long expected, Map<String, Object> columns, Object... keyValues) {
    Request.Update request;
    try {
      request = updateRequest(expected, columns, keyValues);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return changed(request.key(), request).thenApply(Response.Changed::offset);
  }

  private long updateNow(long expected, Map<String, Object> columns, Object... keyValues) {
    Request.Update request = updateRequest(expected, columns, keyValues);
    return changedNow(request.key(), request).offset();
  }

  private Request.Update updateRequest(
      long expected, Map<String, Object> columns, Object... keyValues) {
    byte[] key = keyCodec.encodeKey(keyValues);
    PartialRow partial = partialRows.of(new ArrayList<>(columns.keySet()));
    byte[] values = partial.encode(columns.values().toArray());
    return new Request.Update(name, expected, key, partial.names(), values);
  }

  /** Conditional writes are not idempotent: retried only when certainly not applied. */
  private CompletableFuture<Response.Changed> changed(byte[] key, Request request) {
    return send(false, partitionOf(key), request).thenApply(r -> (Response.Changed) r);
  }

  private Response.Changed changedNow(byte[] key, Request request) {
    return (Response.Changed) call(false, partitionOf(key), request);
  }

  private CompletableFuture<Long> write(byte[] key, Request request) {
    int pid = partitionOf(key);
    return send(false, pid, request).thenApply(r -> ((Response.Written) r).offset());
  }

  @Override
  public CompletableFuture<long[]> putAllAsync(List<Row> rows) {
    Map<String, List<Integer>> byLeader = new LinkedHashMap<>();
    List<byte[]> encoded = new ArrayList<>(rows.size());
    try {
      for (int i = 0; i < rows.size(); i++) {
        validator.validate(rows.get(i));
        encoded.add(rowCodec.encode(rows.get(i)));
        String leader = routing.endpoint(partitionOf(keyCodec.encode(rows.get(i))));
        byLeader.computeIfAbsent(leader, l -> new ArrayList<>()).add(i);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long[] offsets = new long[rows.size()];
    List<CompletableFuture<?>> parts = new ArrayList<>();
    for (List<Integer> positions : byLeader.values()) {
      List<Request.Write> writes = new ArrayList<>(positions.size());
      positions.forEach(i -> writes.add(Request.Write.put(encoded.get(i))));
      int firstPid = partitionOf(keyCodec.encode(rows.get(positions.get(0))));
      parts.add(
          send(false, firstPid, new Request.BatchWrite(name, writes))
              .thenAccept(r -> scatter(((Response.BatchWritten) r).offsets(), positions, offsets)));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> offsets);
  }

  private static void scatter(long[] got, List<Integer> positions, long[] into) {
    for (int j = 0; j < got.length; j++) {
      into[positions.get(j)] = got[j];
    }
  }

  @Override
  public long[] putAll(List<Row> rows) {
    return Blocking.join(putAllAsync(rows));
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Override
  public CompletableFuture<Row> getAsync(Object... keyValues) {
    byte[] key;
    try {
      key = keyCodec.encodeKey(keyValues);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    int pid = partitionOf(key);
    if (readFrom == ReadFrom.FOLLOWER) {
      return getFromAnyReplica(pid, key);
    }
    return send(true, pid, new Request.Get(name, key))
        .thenApply(r -> decode(((Response.Got) r).row()));
  }

  @Override
  public FloeTable readFrom(ReadFrom where) {
    return where == readFrom ? this : new RemoteTable(name, schema, requests, routing, where);
  }

  /**
   * GET_ANY to the next seed in turn (replication.md §9); a node without a serving replica of the
   * partition, or one that cannot be reached, hands the read to the leader.
   */
  private CompletableFuture<Row> getFromAnyReplica(int pid, byte[] key) {
    List<String> seeds = routing.seeds();
    String endpoint = seeds.get(Math.floorMod(nextReplica.getAndIncrement(), seeds.size()));
    return requests
        .send(endpoint, pid, new Request.GetAny(name, key))
        .thenApply(r -> decode(((Response.GetAnyResult) r).rowOrNull()))
        .exceptionallyCompose(
            failure ->
                send(true, pid, new Request.Get(name, key))
                    .thenApply(r -> decode(((Response.Got) r).row())));
  }

  @Override
  public Row get(Object... keyValues) {
    if (readFrom == ReadFrom.FOLLOWER) {
      return requests.join(() -> getAsync(keyValues));
    }
    byte[] key = keyCodec.encodeKey(keyValues);
    return decode(((Response.Got) call(true, partitionOf(key), new Request.Get(name, key))).row());
  }

  @Override
  public CompletableFuture<List<Row>> multiGetAsync(List<Object[]> keys) {
    Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
    List<byte[]> encoded = new ArrayList<>(keys.size());
    try {
      for (int i = 0; i < keys.size(); i++) {
        encoded.add(keyCodec.encodeKey(keys.get(i)));
        byPartition.computeIfAbsent(partitionOf(encoded.get(i)), p -> new ArrayList<>()).add(i);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Row[] rows = new Row[keys.size()];
    List<CompletableFuture<?>> parts = new ArrayList<>();
    byPartition.forEach(
        (pid, positions) -> {
          List<byte[]> group = new ArrayList<>(positions.size());
          positions.forEach(i -> group.add(encoded.get(i)));
          parts.add(
              send(true, pid, new Request.MultiGet(name, group))
                  .thenAccept(r -> fill(((Response.MultiGot) r).rows(), positions, rows)));
        });
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(v -> java.util.Arrays.asList(rows));
  }

  private void fill(List<byte[]> got, List<Integer> positions, Row[] into) {
    for (int j = 0; j < got.size(); j++) {
      into[positions.get(j)] = decode(got.get(j));
    }
  }

  @Override
  public List<Row> multiGet(List<Object[]> keys) {
    return Blocking.join(multiGetAsync(keys));
  }

  @Override
  public CompletableFuture<ScanPage> scanPartitionAsync(
      int partition, KeyRange range, int limit, byte[] continuation) {
    EncodedRange bounds;
    try {
      bounds = encode(range);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return scanPage(partition, bounds, limit, continuation).thenApply(this::page);
  }

  private CompletableFuture<Response.Scanned> scanPage(
      int partition, EncodedRange bounds, int limit, byte[] continuation) {
    Request.Scan scan =
        new Request.Scan(
            name,
            partition,
            bounds.start(),
            bounds.startInclusive(),
            bounds.end(),
            bounds.endInclusive(),
            limit,
            continuation);
    return send(true, partition, scan).thenApply(r -> (Response.Scanned) r);
  }

  private ScanPage page(Response.Scanned scanned) {
    List<Row> rows = new ArrayList<>(scanned.rows().size());
    scanned.rows().forEach(bytes -> rows.add(decode(bytes)));
    return new ScanPage(rows, scanned.continuation());
  }

  @Override
  public ScanPage scanPartition(int partition, KeyRange range, int limit, byte[] continuation) {
    return requests.join(() -> scanPartitionAsync(partition, range, limit, continuation));
  }

  /** The merge of every partition's pages: exactly the first {@code limit} rows of the range. */
  @Override
  public List<Row> scan(KeyRange range, int limit) {
    EncodedRange bounds = encode(range);
    if (limit < 1) {
      throw new IllegalArgumentException("scan limit must be at least 1, got " + limit);
    }
    if (bounds.isEmpty()) {
      return new ArrayList<>();
    }
    Map<String, List<Integer>> byLeader = partitionsByLeader();
    List<byte[]> encoded = null;
    if (byLeader != null && byLeader.size() < partitions()) {
      try {
        encoded = mergedByLeader(byLeader, bounds, limit);
      } catch (RuntimeException e) {
        // A leader moved, a node failed or does not know SCAN_MERGED: the scan is done again
        // partition by partition, each page routed and retried on its own.
      }
    }
    if (encoded == null) {
      List<PartitionPages> partitions = new ArrayList<>(partitions());
      for (int pid = 0; pid < partitions(); pid++) {
        int partition = pid;
        partitions.add(
            (continuation, pageLimit) -> scanPage(partition, bounds, pageLimit, continuation));
      }
      encoded = new MergedScan(partitions, MergedScan.MAX_PAGE_ROWS).first(limit);
    }
    List<Row> rows = new ArrayList<>(encoded.size());
    encoded.forEach(bytes -> rows.add(decode(bytes)));
    return rows;
  }

  /**
   * The partitions grouped by the endpoint that leads them, as routing knows it now; null while
   * routing is being refreshed or a leader is unknown.
   */
  private Map<String, List<Integer>> partitionsByLeader() {
    CompletableFuture<Void> ready = routing.ready();
    if (!ready.isDone() || ready.isCompletedExceptionally()) {
      return null;
    }
    Map<String, List<Integer>> byLeader = new LinkedHashMap<>();
    for (int pid = 0; pid < partitions(); pid++) {
      String leader = routing.endpoint(pid);
      if (leader.isEmpty()) {
        return null;
      }
      byLeader.computeIfAbsent(leader, l -> new ArrayList<>()).add(pid);
    }
    return byLeader;
  }

  /**
   * A table-wide scan with one page stream per node (SCAN_MERGED: the node merges the partitions it
   * leads), each attempt sent once: any failure is the caller's to handle.
   */
  private List<byte[]> mergedByLeader(
      Map<String, List<Integer>> byLeader, EncodedRange bounds, int limit) {
    List<PartitionPages> nodes = new ArrayList<>(byLeader.size());
    List<Integer> weights = new ArrayList<>(byLeader.size());
    for (Map.Entry<String, List<Integer>> e : byLeader.entrySet()) {
      String endpoint = e.getKey();
      List<Integer> led = e.getValue();
      nodes.add(
          (continuation, pageLimit) ->
              requests
                  .send(
                      endpoint,
                      led.get(0),
                      new Request.ScanMerged(
                          name,
                          led,
                          bounds.start(),
                          bounds.startInclusive(),
                          bounds.end(),
                          bounds.endInclusive(),
                          pageLimit,
                          continuation))
                  .thenApply(r -> (Response.Scanned) r));
      weights.add(led.size());
    }
    return new MergedScan(nodes, weights, MergedScan.MAX_PAGE_ROWS).first(limit);
  }

  private EncodedRange encode(KeyRange range) {
    return new EncodedRange(
        range.start() == null ? null : keyCodec.encodeKey(range.start()),
        range.startInclusive(),
        range.end() == null ? null : keyCodec.encodeKey(range.end()),
        range.endInclusive());
  }

  /** A key range with its bounds encoded once for every page of every partition. */
  private record EncodedRange(
      byte[] start, boolean startInclusive, byte[] end, boolean endInclusive) {
    /** No key can lie in it: the start is above the end, or they meet at an excluded key. */
    boolean isEmpty() {
      if (start == null || end == null) {
        return false;
      }
      int order = KeyCodec.compare(start, end);
      return order > 0 || (order == 0 && !(startInclusive && endInclusive));
    }
  }

  @Override
  public List<PartitionStatus> status() {
    List<PartitionStatus> out = new ArrayList<>();
    for (int pid = 0; pid < partitions(); pid++) {
      Response.Statuses s =
          (Response.Statuses) Blocking.join(send(true, pid, new Request.TableStatus(name, pid)));
      out.addAll(s.partitions());
    }
    return out;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Opens connections to every partition's leader now rather than on the first requests. */
  public void warmUp() {
    Set<String> leaders = new LinkedHashSet<>();
    for (int pid = 0; pid < partitions(); pid++) {
      leaders.add(routing.endpoint(pid));
    }
    leaders.forEach(leader -> requests.warmUp(leader, partitions()));
  }

  private int partitionOf(byte[] key) {
    return PartitionHasher.partition(key, routing.partitions());
  }

  private Row decode(byte[] bytes) {
    return bytes == null ? null : rowCodec.decode(bytes);
  }

  /**
   * Sends {@code request} to the leader of {@code pid}, retrying as {@link
   * io.floe.client.RetryRule} allows until the request's deadline; the retry machinery is only
   * entered on a failure.
   */
  private CompletableFuture<Response> send(boolean idempotent, int pid, Request request) {
    long deadline = requests.deadline();
    return attempt(pid, request, deadline)
        .exceptionallyCompose(failure -> recover(failure, idempotent, pid, request, deadline));
  }

  /**
   * {@link #send} for a blocking caller: the same attempts and recovery, but the first attempt's
   * answer is awaited directly (no stage per call) and handled on the caller's thread.
   */
  private Response call(boolean idempotent, int pid, Request request) {
    long deadline = requests.deadline();
    return requests.await(
        () -> attempt(pid, request, deadline),
        failure -> recover(failure, idempotent, pid, request, deadline));
  }

  /** After a failed attempt: once more on a corrected route, or retried as the rules allow. */
  private CompletableFuture<Response> recover(
      Throwable failure, boolean idempotent, int pid, Request request, long deadline) {
    return staleRoute(failure)
        ? rerouteOnce(failure, idempotent, pid, request, deadline)
        : retry(failure, idempotent, pid, request, deadline);
  }

  /**
   * The node routed to no longer holds the table or partition (its replica moved away: a migrate, a
   * delreplica): nothing was applied there, so after describing the table again the request goes to
   * the leader now named, once; when the description names the same node the answer stands.
   */
  private CompletableFuture<Response> rerouteOnce(
      Throwable failure, boolean idempotent, int pid, Request request, long deadline) {
    String stale = routing.endpoint(pid);
    routing.unreachable(pid, false);
    return routing
        .ready()
        .thenCompose(
            v ->
                stale.equals(routing.endpoint(pid))
                    ? CompletableFuture.<Response>failedFuture(failure)
                    : attempt(pid, request, deadline)
                        .exceptionallyCompose(f -> retry(f, idempotent, pid, request, deadline)));
  }

  private static boolean staleRoute(Throwable failure) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    return cause instanceof FloeRequestException refused
        && (refused.code() == ErrorCode.TABLE_NOT_FOUND
            || refused.code() == ErrorCode.PARTITION_NOT_FOUND);
  }

  private CompletableFuture<Response> retry(
      Throwable failure, boolean idempotent, int pid, Request request, long deadline) {
    followLeader(pid, failure);
    return requests.retryAfter(
        failure,
        idempotent,
        () ->
            attempt(pid, request, deadline)
                .whenComplete((response, error) -> followLeader(pid, error)),
        deadline);
  }

  /**
   * A {@code NOT_LEADER} corrects the routing before the next attempt; a leader that cannot be
   * reached is forgotten and the table described again (it may have failed over).
   */
  private void followLeader(int pid, Throwable failure) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    if (cause instanceof NotLeaderException notLeader) {
      routing.notLeader(pid, notLeader);
    } else if (cause instanceof FloeConnectionException || cause instanceof FloeTimeoutException) {
      // Refused, reset, or silent (a stopped process accepts connections and answers nothing).
      routing.unreachable(pid, cause instanceof FloeTimeoutException);
    }
  }

  /**
   * One attempt once routing is known; routing is known from the first request on, so the common
   * case sends directly instead of paying a future and a hop through thenCompose.
   */
  private CompletableFuture<Response> attempt(int pid, Request request, long deadline) {
    CompletableFuture<Void> ready = routing.ready();
    if (!ready.isDone() || ready.isCompletedExceptionally()) {
      return ready.thenCompose(v -> requests.send(routing.endpoint(pid), pid, request, deadline));
    }
    try {
      return requests.send(routing.endpoint(pid), pid, request, deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
