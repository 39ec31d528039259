package io.floe.loadtests.ycsb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured YCSB phase, read from YCSB's text measurements ({@code [OP], Metric, value} lines)
 * and the {@code [CLIENT]} / {@code [SERVER]} / {@code [S3]} lines {@link YcsbPhases} adds.
 *
 * @param clientCpuNanos the YCSB JVM's CPU time during the phase, -1 when not measured
 * @param clientJitCpuNanos the part of it spent by the JVM's JIT compiler threads, -1 when not
 *     measured
 * @param serverCpuNanos the store's process CPU time during the phase, -1 when not measured
 * @param s3CpuNanos the S3 endpoint's process CPU time during the phase (Floe ships its WAL there,
 *     on the same machine), -1 when not measured
 * @param ops per operation type (READ, UPDATE, SCAN, INSERT, READ-MODIFY-WRITE), in YCSB's order
 * @param failed operations that did not return OK (NOT_FOUND included: every key read is loaded)
 * @param wrongValues reads whose values failed YCSB's data-integrity check ({@code dataintegrity})
 */
public record YcsbResult(
    String phase,
    long operations,
    long runtimeMs,
    double opsPerSecond,
    long clientCpuNanos,
    long clientJitCpuNanos,
    long gcMillis,
    long serverCpuNanos,
    long s3CpuNanos,
    Map<String, OpStats> ops,
    long failed,
    long wrongValues) {

  static final String READ_MODIFY_WRITE = "READ-MODIFY-WRITE";

  /** Latency of one operation type, in microseconds, as YCSB's histogram reports it. */
  public record OpStats(long count, double p50Micros, double p99Micros) {}

  public double clientCpuMicrosPerOp() {
    return clientCpuNanos < 0 || operations == 0 ? Double.NaN : clientCpuNanos / 1e3 / operations;
  }

  public double clientJitCpuMicrosPerOp() {
    return clientJitCpuNanos < 0 || operations == 0
        ? Double.NaN
        : clientJitCpuNanos / 1e3 / operations;
  }

  public double serverCpuMicrosPerOp() {
    return serverCpuNanos < 0 || operations == 0 ? Double.NaN : serverCpuNanos / 1e3 / operations;
  }

  public double s3CpuMicrosPerOp() {
    return s3CpuNanos < 0 || operations == 0 ? Double.NaN : s3CpuNanos / 1e3 / operations;
  }

  /**
   * What the operation cost the machine: client, server and (when measured) the S3 endpoint
   * together; unknown when the client's or the server's CPU is. The fair comparison on one machine:
   * the kernel bills work done for one process to another — on loopback a blocked reader is woken
   * by its peer's write, so Redis pays for waking Jedis's threads where Floe's client wakes its
   * callers itself.
   */
  public double totalCpuMicrosPerOp() {
    double client = clientCpuMicrosPerOp();
    double server = serverCpuMicrosPerOp();
    double s3 = s3CpuMicrosPerOp();
    return client + server + (Double.isNaN(s3) ? 0 : s3);
  }

  /** Every phase in YCSB's output, in order; output without {@code # phase} lines is one phase. */
  public static List<YcsbResult> parse(String output, String defaultPhase) {
    List<YcsbResult> results = new ArrayList<>();
    Parser current = new Parser(defaultPhase);
    boolean any = false;
    for (String line : output.split("\n")) {
      if (line.startsWith("# phase ")) {
        if (any) {
          results.add(current.result());
        }
        current = new Parser(line.substring("# phase ".length()).trim());
        any = true;
      } else if (current.accept(line)) {
        any = true;
      }
    }
    if (any) {
      results.add(current.result());
    }
    return results;
  }

  /** Accumulates the lines of one phase. */
  private static final class Parser {
    private final String phase;
    private final Map<String, Map<String, String>> metrics = new LinkedHashMap<>();

    Parser(String phase) {
      this.phase = phase;
    }

    boolean accept(String line) {
      if (!line.startsWith("[")) {
        return false;
      }
      int close = line.indexOf("], ");
      int comma = line.lastIndexOf(", ");
      if (close < 0 || comma <= close) {
        return false;
      }
      metrics
          .computeIfAbsent(line.substring(1, close), k -> new LinkedHashMap<>())
          .put(line.substring(close + 3, comma), line.substring(comma + 2).trim());
      return true;
    }

    YcsbResult result() {
      Map<String, String> overall = metrics.getOrDefault("OVERALL", Map.of());
      Map<String, String> client = metrics.getOrDefault("CLIENT", Map.of());
      Map<String, OpStats> ops = new LinkedHashMap<>();
      long failed = 0;
      long wrong = 0;
      long operations = 0;
      for (Map.Entry<String, Map<String, String>> e : metrics.entrySet()) {
        String op = e.getKey();
        Map<String, String> m = e.getValue();
        long notOk = notOk(m);
        if (op.equals("VERIFY")) {
          wrong += notOk;
        } else if (isOperation(op, m)) {
          failed += notOk;
          long count = number(m, "Operations", 0).longValue();
          if (!op.equals(READ_MODIFY_WRITE)) {
            operations += count;
          }
          ops.put(
              op,
              new OpStats(
                  count,
                  number(m, "50thPercentileLatency(us)", Double.NaN).doubleValue(),
                  number(m, "99thPercentileLatency(us)", Double.NaN).doubleValue()));
        }
      }
      // YCSB's load phase reports no operation total of its own.
      long total = number(overall, "Operations", operations).longValue();
      long runtime = number(overall, "RunTime(ms)", 0).longValue();
      return new YcsbResult(
          phase,
          total,
          runtime,
          number(overall, "Throughput(ops/sec)", 0).doubleValue(),
          number(client, "CpuTime(ns)", -1).longValue(),
          number(client, "JitCpuTime(ns)", -1).longValue(),
          number(client, "GcTime(ms)", -1).longValue(),
          number(metrics.getOrDefault("SERVER", Map.of()), "CpuTime(ns)", -1).longValue(),
          number(metrics.getOrDefault("S3", Map.of()), "CpuTime(ns)", -1).longValue(),
          ops,
          failed,
          wrong);
    }

    /**
     * A workload operation: it has a latency histogram and is not YCSB's bookkeeping (CLEANUP, or
     * the latencies of failed operations, which YCSB also counts under the operation's Return
     * lines). READ-MODIFY-WRITE is one (workload F) whose READ and UPDATE are also counted alone.
     */
    private static boolean isOperation(String op, Map<String, String> m) {
      return m.containsKey("Operations")
          && !op.equals("CLEANUP")
          && !op.endsWith("-FAILED")
          && !op.equals("OVERALL");
    }

    private static long notOk(Map<String, String> m) {
      long n = 0;
      for (Map.Entry<String, String> e : m.entrySet()) {
        if (e.getKey().startsWith("Return=") && !e.getKey().equals("Return=OK")) {
          n += Long.parseLong(e.getValue());
        }
      }
      return n;
    }

    private static Number number(Map<String, String> m, String key, Number otherwise) {
      String v = m.get(key);
      return v == null ? otherwise : Double.valueOf(v);
    }
  }
}
