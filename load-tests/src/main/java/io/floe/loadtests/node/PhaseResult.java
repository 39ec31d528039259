package io.floe.loadtests.node;

/**
 * What one timed phase achieved: operations per second, latency percentiles in nanoseconds, and the
 * CPU the server and the client spent per operation (nanoseconds; negative when unknown).
 */
record PhaseResult(
    double opsPerSecond,
    long p50Nanos,
    long p99Nanos,
    double serverCpuNanos,
    double clientCpuNanos) {
  PhaseResult withCpu(double server, double client) {
    return new PhaseResult(opsPerSecond, p50Nanos, p99Nanos, server, client);
  }
}
