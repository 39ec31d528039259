package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Durability;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.ReplicaLoader;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalSinks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RequestProcessorTest {
  static final String TABLE = "db.items";

  private final TableRegistry registry = new TableRegistry();
  private final ExecutorService loading = Executors.newFixedThreadPool(2);
  private final CountDownLatch loadsMayFinish = new CountDownLatch(1);
  private volatile int failingPartition = -1;

  /** Loads like S3 would, slowly: each partition waits for the test before it serves. */
  private final ReplicaLoader slowLoader =
      (table, partition) -> {
        try {
          loadsMayFinish.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (partition.id() == failingPartition) {
          partition.failLoad("manifest unreadable");
          throw new IllegalStateException("manifest unreadable");
        }
        partition.markNormal();
      };

  private final RequestProcessor processor =
      new RequestProcessor(
          registry,
          new TableHosting(
              registry, new MemoryBudget(256L << 20), WalSinks.memoryOnly(), slowLoader, loading),
          () -> "127.0.0.1:7400");

  @AfterEach
  void stopLoading() {
    loadsMayFinish.countDown();
    loading.shutdownNow();
  }

  private static Request.CreateTable create(String table, int partitions) {
    return new Request.CreateTable(
        table, 10, SchemaParser.toJson(IdNameTable.SCHEMA), partitions, Durability.MEMORY);
  }

  private Response call(Request request) throws Exception {
    return processor.process(request).get(10, TimeUnit.SECONDS);
  }

  private void createReadyTable(int partitions) throws Exception {
    loadsMayFinish.countDown();
    assertThat(call(create(TABLE, partitions))).isInstanceOf(Response.Ack.class);
  }

  private static byte[] row(long id, String name) {
    return IdNameTable.ROWS.encode(new Row(id, name));
  }

  private static ErrorCode codeOf(Throwable failure) {
    Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
    assertThat(cause).isInstanceOf(FloeRequestException.class);
    return ((FloeRequestException) cause).code();
  }

  @Test
  void pingIsAcknowledgedAndNothingElseIsAcknowledgedUnread() throws Exception {
    assertThat(call(new Request.Ping())).isInstanceOf(Response.Ack.class);
    assertThatThrownBy(() -> processor.process(null))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
  }

  @Test
  void createTableAnswersOnlyWhenEveryPartitionTakesWrites() throws Exception {
    CompletableFuture<Response> created = processor.process(create(TABLE, 4));
    CompletableFuture<Response> repeatedWhileLoading = processor.process(create(TABLE, 4));
    assertThat(created).isNotDone();
    assertThat(repeatedWhileLoading).isNotDone();

    loadsMayFinish.countDown();

    assertThat(created.get(10, TimeUnit.SECONDS)).isInstanceOf(Response.Ack.class);
    assertThat(repeatedWhileLoading.get(10, TimeUnit.SECONDS)).isInstanceOf(Response.Ack.class);
    for (int id = 0; id < 20; id++) {
      assertThat(call(new Request.Put(TABLE, row(id, "first"))))
          .isInstanceOf(Response.Written.class);
    }
    assertThat(call(create(TABLE, 4))).as("repeated").isInstanceOf(Response.Ack.class);
  }

  @Test
  void createTableNamesThePartitionThatCouldNotBeLoaded() {
    failingPartition = 2;
    CompletableFuture<Response> created = processor.process(create(TABLE, 4));
    loadsMayFinish.countDown();

    assertThatThrownBy(() -> created.get(10, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.PARTITION_NOT_FOUND))
        .hasMessageContaining("partition 2")
        .hasMessageContaining("manifest unreadable");
    assertThatThrownBy(() -> call(create(TABLE, 4)))
        .as("repeated")
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.PARTITION_NOT_FOUND))
        .hasMessageContaining("partition 2");
  }

  @Test
  void createTableRefusesAnotherDefinitionAndAModeTheNodeCannotHonour() throws Exception {
    createReadyTable(4);
    assertThatThrownBy(() -> processor.process(create(TABLE, 8)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.MALFORMED_REQUEST))
        .hasMessageContaining("exists with another");
    Request.CreateTable replicated =
        new Request.CreateTable(
            "db.other", 11, SchemaParser.toJson(IdNameTable.SCHEMA), 1, Durability.REPLICATED);
    assertThatThrownBy(() -> processor.process(replicated))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.MALFORMED_REQUEST))
        .hasMessageContaining("durability");
    assertThat(registry.find("db.other")).isNull();
  }

  @Test
  void aScanRangeThatHoldsNoKeyIsAnEmptyPageNotAnError() throws Exception {
    createReadyTable(1);
    for (int id = 0; id < 10; id++) {
      call(new Request.Put(TABLE, row(id, "r")));
    }
    byte[] low = IdNameTable.KEYS.encodeKey(2L);
    byte[] high = IdNameTable.KEYS.encodeKey(7L);
    Response inverted = call(new Request.Scan(TABLE, 0, high, true, low, true, 100, null));
    assertThat(inverted).isEqualTo(new Response.Scanned(List.of(), List.of(), null));

    Response.Scanned page =
        (Response.Scanned) call(new Request.Scan(TABLE, 0, null, true, high, true, 3, null));
    assertThat(page.continuation()).isNotNull();
    // The continuation (after key 2) lies past an end bound of key 1: nothing is left.
    byte[] lowerEnd = IdNameTable.KEYS.encodeKey(1L);
    Response past =
        call(new Request.Scan(TABLE, 0, null, true, lowerEnd, true, 3, page.continuation()));
    assertThat(past).isEqualTo(new Response.Scanned(List.of(), List.of(), null));
  }

  @Test
  void aScanPageOfLargeRowsStopsAtItsByteLimitAndContinues() throws Exception {
    createReadyTable(1);
    String big = "x".repeat(1 << 20);
    for (int id = 0; id < 20; id++) {
      call(new Request.Put(TABLE, row(id, big)));
    }
    List<byte[]> seen = new ArrayList<>();
    byte[] continuation = null;
    int pages = 0;
    do {
      Response.Scanned page =
          (Response.Scanned)
              call(new Request.Scan(TABLE, 0, null, true, null, true, 10_000, continuation));
      long bytes = page.rows().stream().mapToLong(r -> r.length).sum();
      assertThat(bytes).isLessThanOrEqualTo(RequestProcessor.MAX_SCAN_PAGE_BYTES);
      seen.addAll(page.keys());
      continuation = page.continuation();
      pages++;
    } while (continuation != null);
    assertThat(seen).hasSize(20);
    assertThat(pages).isGreaterThan(2);
  }

  /**
   * SCAN_MERGED against a model, over random subsets of partitions, ranges and limits: following
   * its continuations gives exactly the live rows of those partitions in the range, in key order,
   * each page at most the limit, and a continuation only when a row is left.
   */
  @Test
  void aMergedScanIsTheKeyOrderedMergeOfItsPartitionsAcrossPages() throws Exception {
    int partitions = 4;
    createReadyTable(partitions);
    TreeMap<byte[], Integer> model = new TreeMap<>(Arrays::compareUnsigned);
    for (long id = 0; id < 600; id += 2) {
      call(new Request.Put(TABLE, row(id, "r" + id)));
      byte[] key = IdNameTable.KEYS.encodeKey(id);
      model.put(key, PartitionHasher.partition(key, partitions));
    }
    for (long id = 0; id < 600; id += 14) {
      byte[] key = IdNameTable.KEYS.encodeKey(id);
      call(new Request.Delete(TABLE, key));
      model.remove(key);
    }
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      List<Integer> subset = new ArrayList<>();
      for (int pid = 0; pid < partitions; pid++) {
        if (random.nextBoolean()) {
          subset.add(pid);
        }
      }
      if (subset.isEmpty()) {
        subset.add(random.nextInt(partitions));
      }
      Collections.shuffle(subset, random);
      byte[] start =
          random.nextInt(3) == 0 ? null : IdNameTable.KEYS.encodeKey((long) random.nextInt(620));
      byte[] end =
          random.nextInt(3) == 0 ? null : IdNameTable.KEYS.encodeKey((long) random.nextInt(620));
      boolean startIn = random.nextBoolean();
      boolean endIn = random.nextBoolean();
      int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 120);
      List<byte[]> want = new ArrayList<>();
      for (Map.Entry<byte[], Integer> e : model.entrySet()) {
        byte[] key = e.getKey();
        boolean afterStart =
            start == null || Arrays.compareUnsigned(key, start) > (startIn ? -1 : 0);
        boolean beforeEnd = end == null || Arrays.compareUnsigned(key, end) < (endIn ? 1 : 0);
        if (afterStart && beforeEnd && subset.contains(e.getValue())) {
          want.add(key);
        }
      }
      String what = "partitions " + subset + ", limit " + limit + ", round " + round;
      List<byte[]> got = new ArrayList<>();
      byte[] continuation = null;
      int pages = 0;
      do {
        Response.Scanned page =
            (Response.Scanned)
                call(
                    new Request.ScanMerged(
                        TABLE, subset, start, startIn, end, endIn, limit, continuation));
        pages++;
        assertThat(page.keys()).as(what).hasSizeLessThanOrEqualTo(limit);
        assertThat(page.rows()).as(what).hasSameSizeAs(page.keys());
        for (int i = 0; i < page.keys().size(); i++) {
          Row decoded = IdNameTable.ROWS.decode(page.rows().get(i));
          assertThat(IdNameTable.KEYS.encode(decoded)).as(what).isEqualTo(page.keys().get(i));
        }
        got.addAll(page.keys());
        continuation = page.continuation();
        assertThat(pages).as(what).isLessThanOrEqualTo(want.size() / limit + 1);
      } while (continuation != null);
      assertThat(got).as(what).containsExactlyElementsOf(want);
      assertThat(pages).as(what).isEqualTo(Math.max(1, (want.size() + limit - 1) / limit));
    }
  }

  @Test
  void aMergedScanRefusesABadPartitionListOrLimit() throws Exception {
    createReadyTable(2);
    Object[][] cases = {
      {List.of(0, 1), 0, ErrorCode.MALFORMED_REQUEST, "limit"},
      {List.of(), 10, ErrorCode.MALFORMED_REQUEST, "at least one partition"},
      {List.of(1, 0, 1), 10, ErrorCode.MALFORMED_REQUEST, "twice"},
      {List.of(0, 2), 10, ErrorCode.PARTITION_NOT_FOUND, "not 2"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<Integer> pids = (List<Integer>) c[0];
      Request.ScanMerged scan =
          new Request.ScanMerged(TABLE, pids, null, true, null, true, (int) c[1], null);
      assertThatThrownBy(() -> call(scan))
          .as("%s", pids)
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(c[2]))
          .hasMessageContaining((String) c[3]);
    }
  }

  @Test
  void aMergedScanPageOfLargeRowsStopsAtItsByteLimitAndContinues() throws Exception {
    createReadyTable(3);
    String big = "x".repeat(1 << 20);
    for (int id = 0; id < 20; id++) {
      call(new Request.Put(TABLE, row(id, big)));
    }
    List<byte[]> seen = new ArrayList<>();
    byte[] continuation = null;
    int pages = 0;
    do {
      Response.Scanned page =
          (Response.Scanned)
              call(
                  new Request.ScanMerged(
                      TABLE, List.of(0, 1, 2), null, true, null, true, 10_000, continuation));
      long bytes = page.rows().stream().mapToLong(r -> r.length).sum();
      assertThat(bytes).isLessThanOrEqualTo(RequestProcessor.MAX_SCAN_PAGE_BYTES);
      assertThat(page.keys()).isNotEmpty();
      seen.addAll(page.keys());
      continuation = page.continuation();
      pages++;
    } while (continuation != null);
    assertThat(seen).hasSize(20).isSortedAccordingTo(Arrays::compareUnsigned);
    assertThat(pages).isGreaterThan(2);
  }

  @Test
  void aBatchWhoseAnswerCannotFitOneFrameIsRefusedBeforeItApplies() throws Exception {
    createReadyTable(1);
    byte[] key = IdNameTable.KEYS.encodeKey(1L);
    List<Request.Write> tooMany =
        Collections.nCopies(RequestProcessor.MAX_BATCH_WRITES + 1, Request.Write.delete(key));
    assertThatThrownBy(() -> processor.process(new Request.BatchWrite(TABLE, tooMany)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    Partition p = registry.get(TABLE).partition(0);
    assertThat(p.offset()).isZero();
  }
}
