package io.floe.loadtests.node;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * Drives one data node with {@code connections × inFlight} concurrent requests (puts, then gets, of
 * 100-byte values) for a fixed time each and prints ops/s, p50 and p99.
 *
 * <p>Usage: {@code NodeBench host:port [connections=20] [inFlight=1] [seconds=10] [keys=100000]}
 */
public final class NodeBench {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("k", ColumnType.INT64, false), new Column("v", ColumnType.BYTES, false)),
          List.of("k"));

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int keys = args.length > 4 ? Integer.parseInt(args[4]) : 100_000;
    ClientConfig config = ClientConfig.of(endpoint).withConnectionsPerNode(connections);
    try (FloeClient client = FloeClient.connect(config)) {
      String name = "bench.kv" + System.nanoTime() % 1_000_000;
      client.createTable(endpoint, name, System.nanoTime(), SCHEMA, connections, Durability.MEMORY);
      FloeTable table = client.table(name);
      byte[] value = new byte[100];
      int workers = connections * inFlight;
      System.out.printf(
          "floe node %s: %d connections x %d in flight, 100 B values, %d s per phase%n",
          endpoint, connections, inFlight, seconds);
      report("put", run(workers, seconds, w -> table.putAsync(new Row(key(keys), value))));
      report("get", run(workers, seconds, w -> table.getAsync(key(keys))));
    }
  }

  private static long key(int keys) {
    return ThreadLocalRandom.current().nextLong(keys);
  }

  private record Result(long ops, double seconds, long[] latencies) {}

  /** Each worker issues its next request when the previous one completes, until the deadline. */
  private static Result run(int workers, int seconds, IntFunction<CompletableFuture<?>> op)
      throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long[][] samples = new long[workers][];
    int[] counts = new int[workers];
    CountDownLatch done = new CountDownLatch(workers);
    long start = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      samples[w] = new long[1 << 16];
      next(w, op, end, samples, counts, done);
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).asLongStream().sum();
    long[] all = new long[(int) total];
    int at = 0;
    for (int w = 0; w < workers; w++) {
      System.arraycopy(samples[w], 0, all, at, counts[w]);
      at += counts[w];
    }
    Arrays.sort(all);
    return new Result(total, elapsed, all);
  }

  private static void next(
      int w,
      IntFunction<CompletableFuture<?>> op,
      long end,
      long[][] samples,
      int[] counts,
      CountDownLatch done) {
    long t0 = System.nanoTime();
    if (t0 >= end) {
      done.countDown();
      return;
    }
    op.apply(w)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                System.err.println("request failed: " + e);
                done.countDown();
                return;
              }
              if (counts[w] == samples[w].length) {
                samples[w] = Arrays.copyOf(samples[w], samples[w].length * 2);
              }
              samples[w][counts[w]++] = System.nanoTime() - t0;
              next(w, op, end, samples, counts, done);
            });
  }

  private static void report(String what, Result r) {
    long[] l = r.latencies();
    System.out.printf(
        "%s: %,.0f ops/s  p50 %.1f us  p99 %.1f us  (%,d ops)%n",
        what,
        r.ops() / r.seconds(),
        l[l.length / 2] / 1e3,
        l[(int) (l.length * 0.99)] / 1e3,
        r.ops());
  }
}
