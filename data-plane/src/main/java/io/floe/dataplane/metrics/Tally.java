package io.floe.dataplane.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many times a background task (a snapshot, a load from S3, a wait for a majority) finished,
 * how long those took in all, and how many failed. The node's parts keep these plain tallies rather
 * than meters, so that they stay free of the metrics library and cost a few striped adds; the
 * binders of this package read them when Prometheus scrapes. Thread-safe.
 */
public final class Tally {
  private final LongAdder count = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final LongAdder failures = new LongAdder();

  /** One task done in {@code nanos}. */
  public void record(long nanos) {
    count.increment();
    totalNanos.add(Math.max(0, nanos));
  }

  /** One task done, begun at {@code startNanos} ({@link System#nanoTime}). */
  public void recordSince(long startNanos) {
    record(System.nanoTime() - startNanos);
  }

  public void failed() {
    failures.increment();
  }

  public void failed(int tasks) {
    failures.add(tasks);
  }

  /** Tasks done (failures not included). */
  public long count() {
    return count.sum();
  }

  /** The time the tasks done took in all. */
  public long totalNanos() {
    return totalNanos.sum();
  }

  public long failures() {
    return failures.sum();
  }
}
