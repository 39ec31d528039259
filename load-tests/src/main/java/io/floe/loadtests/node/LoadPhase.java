package io.floe.loadtests.node;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code workers} independent request chains, each issuing its next request
 * when the previous one completes, until a deadline. With {@code connections × depth} workers that
 * is the same number of requests in flight for every store. Latency is recorded per worker (a
 * chain's callbacks run one after the other) and merged at the end.
 */
final class LoadPhase {
  private static final int MAX_PRIVATE_HISTOGRAMS = 512;
  private static final int SHARED_HISTOGRAMS = 64;

  /** One operation of the phase: a put or get of a random key. */
  interface Op {
    CompletionStage<?> issue(long key);
  }

  private final int workers;
  private final int keys;

  LoadPhase(int workers, int keys) {
    this.workers = workers;
    this.keys = keys;
  }

  /**
   * Runs for {@code seconds}; fails on the first request that fails. Measures the CPU that process
   * {@code serverPid} (when positive) and this JVM spent.
   */
  PhaseResult run(Op op, double seconds, long serverPid) throws InterruptedException {
    return run(op, seconds, serverPid > 0 ? List.of(serverPid) : List.of());
  }

  /**
   * Runs for {@code seconds}; fails on the first request that fails. Measures the CPU that the
   * processes {@code serverPids} (together; unknown when empty) and this JVM spent.
   */
  PhaseResult run(Op op, double seconds, List<Long> serverPids) throws InterruptedException {
    long server0 = ProcessCpu.nanos(serverPids);
    long client0 = ProcessCpu.nanos(0);
    PhaseResult r = run(op, seconds);
    long server1 = ProcessCpu.nanos(serverPids);
    long client1 = ProcessCpu.nanos(0);
    double ops = r.opsPerSecond() * seconds;
    return r.withCpu(
        server0 < 0 || server1 < 0 ? -1 : (server1 - server0) / ops, (client1 - client0) / ops);
  }

  /** Runs for {@code seconds}; fails on the first request that fails. */
  PhaseResult run(Op op, double seconds) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    // One single-writer histogram per chain up to a few hundred chains; past that (deep pipelines,
    // e.g. 20 x 256) one histogram each would not fit the heap, so chains share concurrent ones.
    boolean shared = workers > MAX_PRIVATE_HISTOGRAMS;
    int stripes = shared ? SHARED_HISTOGRAMS : workers;
    Histogram[] histograms = new Histogram[stripes];
    for (int s = 0; s < stripes; s++) {
      histograms[s] =
          shared
              ? new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3)
              : new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    }
    long[] counts = new long[workers];
    CountDownLatch done = new CountDownLatch(workers);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int w = 0; w < workers; w++) {
      new Chain(op, end, histograms[w % stripes], counts, w, done, failure).next();
    }
    if (!done.await((long) (seconds * 1e9) + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("requests still pending 30 s after the phase ended");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("a request failed", failure.get());
    }
    Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    long total = 0;
    for (Histogram h : histograms) {
      all.add(h);
    }
    for (long c : counts) {
      total += c;
    }
    return new PhaseResult(
        total / elapsed, all.getValueAtPercentile(50), all.getValueAtPercentile(99), -1, -1);
  }

  /** One request chain; re-issues from the completion callback of the previous request. */
  private final class Chain {
    private final Op op;
    private final long end;
    private final Histogram histogram;
    private final long[] counts;
    private final int index;
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure;

    Chain(
        Op op,
        long end,
        Histogram histogram,
        long[] counts,
        int index,
        CountDownLatch done,
        AtomicReference<Throwable> failure) {
      this.op = op;
      this.end = end;
      this.histogram = histogram;
      this.counts = counts;
      this.index = index;
      this.done = done;
      this.failure = failure;
    }

    void next() {
      long t0 = System.nanoTime();
      if (t0 >= end || failure.get() != null) {
        done.countDown();
        return;
      }
      op.issue(ThreadLocalRandom.current().nextLong(keys))
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                  done.countDown();
                  return;
                }
                histogram.recordValue(
                    Math.min(System.nanoTime() - t0, histogram.getHighestTrackableValue()));
                counts[index]++;
                next();
              });
    }
  }
}
