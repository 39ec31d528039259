package io.floe.loadtests.chaos;

import java.util.Arrays;
import java.util.List;

/**
 * A history per second of the run (by completion): operations acknowledged, failed and of unknown
 * outcome, and the p50 / p99 / max latency of the acknowledged ones (NaN in a second without any).
 * Operations that never completed are left out.
 */
record Timeline(
    double[] seconds,
    double[] ok,
    double[] failed,
    double[] unknown,
    double[] p50Ms,
    double[] p99Ms,
    double[] maxMs) {

  static Timeline of(List<Op> ops) {
    int n = 0;
    for (Op op : ops) {
      if (op.completeNanos() != Op.NEVER) {
        n = Math.max(n, second(op) + 1);
      }
    }
    double[] seconds = new double[n];
    double[] ok = new double[n];
    double[] failed = new double[n];
    double[] unknown = new double[n];
    int[] counts = new int[n];
    for (Op op : ops) {
      if (op.completeNanos() == Op.NEVER) {
        continue;
      }
      int s = second(op);
      switch (op.outcome()) {
        case OK -> {
          ok[s]++;
          counts[s]++;
        }
        case FAILED -> failed[s]++;
        case UNKNOWN -> unknown[s]++;
      }
    }
    long[][] latencies = new long[n][];
    for (int s = 0; s < n; s++) {
      seconds[s] = s + 0.5;
      latencies[s] = new long[counts[s]];
    }
    int[] fill = new int[n];
    for (Op op : ops) {
      if (op.completeNanos() != Op.NEVER && op.outcome() == Outcome.OK) {
        int s = second(op);
        latencies[s][fill[s]++] = op.completeNanos() - op.invokeNanos();
      }
    }
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    double[] max = new double[n];
    for (int s = 0; s < n; s++) {
      long[] l = latencies[s];
      if (l.length == 0) {
        p50[s] = p99[s] = max[s] = Double.NaN;
        continue;
      }
      Arrays.sort(l);
      p50[s] = l[(int) Math.ceil(0.50 * l.length) - 1] / 1e6;
      p99[s] = l[(int) Math.ceil(0.99 * l.length) - 1] / 1e6;
      max[s] = l[l.length - 1] / 1e6;
    }
    return new Timeline(seconds, ok, failed, unknown, p50, p99, max);
  }

  private static int second(Op op) {
    return (int) (op.completeNanos() / 1_000_000_000L);
  }
}
