package io.floe.loadtests.node;

/** What one timed phase achieved: operations per second and latency percentiles in nanoseconds. */
record PhaseResult(double opsPerSecond, long p50Nanos, long p99Nanos) {}
