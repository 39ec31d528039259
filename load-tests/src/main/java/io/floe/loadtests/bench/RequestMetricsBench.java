package io.floe.loadtests.bench;

import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Response;
import io.floe.dataplane.metrics.NodeMetrics;
import io.floe.dataplane.metrics.RequestMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What counting and timing requests costs the node's I/O threads ({@link RequestMetrics}), on two
 * threads recording into the same meters as two event loops would: {@code timed} is one request
 * timed (a clock read at arrival, another at the answer, the timer's histogram and the counter),
 * {@code untimed} one counted only, {@code perRequest} the average when one in {@link
 * RequestMetrics#TIMED_EVERY} is timed, as the server does. {@code clockReads} is the two clock
 * reads alone. Compare with the server's CPU per request in the README's performance tables (2.5–10
 * µs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(2)
public class RequestMetricsBench {
  private static final Response OK = new Response.Ack();

  private NodeMetrics metrics;
  private RequestMetrics requests;

  /** One event loop's connection: its own arrival count. */
  @State(Scope.Thread)
  public static class Connection {
    int arrivals;
  }

  @Setup
  public void setup() {
    metrics = new NodeMetrics("bench");
    requests = metrics.requests();
  }

  @TearDown
  public void close() {
    metrics.close();
  }

  @Benchmark
  public long clockReads() {
    long start = System.nanoTime();
    return System.nanoTime() - start;
  }

  @Benchmark
  public void timed() {
    requests.answered(Opcode.GET, OK, System.nanoTime());
  }

  @Benchmark
  public void untimed() {
    requests.answered(Opcode.GET, OK, RequestMetrics.UNTIMED);
  }

  @Benchmark
  public void perRequest(Connection connection) {
    requests.answered(Opcode.GET, OK, RequestMetrics.arrival(connection.arrivals++));
  }
}
