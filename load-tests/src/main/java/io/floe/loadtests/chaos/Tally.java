package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts and capped examples while {@link Checker} runs; a null mode is a table with no ops. */
final class Tally {
  private static final int ACKNOWLEDGED = Anomaly.Kind.values().length;

  private final int maxExamples;
  private final Map<Durability, long[]> counts = new HashMap<>();
  private final Map<Durability, int[]> exampleCounts = new HashMap<>();
  private final List<Anomaly> examples = new ArrayList<>();

  Tally(int maxExamples) {
    this.maxExamples = maxExamples;
  }

  void acknowledged(Durability mode, long n) {
    countsOf(mode)[ACKNOWLEDGED] += n;
  }

  void count(Anomaly.Kind kind, Durability mode, long n) {
    countsOf(mode)[kind.ordinal()] += n;
  }

  /** False once the examples of this kind and mode are full, so callers can stop building them. */
  boolean wantsExample(Anomaly.Kind kind, Durability mode) {
    return examplesOf(mode)[kind.ordinal()] < maxExamples;
  }

  /** Keeps {@code anomaly} as an example if there is room; does not count it. */
  void example(Anomaly anomaly) {
    if (wantsExample(anomaly.kind(), anomaly.mode())) {
      examplesOf(anomaly.mode())[anomaly.kind().ordinal()]++;
      examples.add(anomaly);
    }
  }

  /** Counts {@code anomaly} once and keeps it as an example if there is room. */
  void add(Anomaly anomaly) {
    count(anomaly.kind(), anomaly.mode(), 1);
    example(anomaly);
  }

  CheckResult result() {
    long[] total = new long[ACKNOWLEDGED + 1];
    Map<Durability, CheckResult.Counts> byMode = new EnumMap<>(Durability.class);
    counts.forEach(
        (mode, c) -> {
          for (int i = 0; i < c.length; i++) {
            total[i] += c[i];
          }
          if (mode != null) {
            byMode.put(mode, toCounts(c));
          }
        });
    return new CheckResult(toCounts(total), byMode, examples);
  }

  private long[] countsOf(Durability mode) {
    return counts.computeIfAbsent(mode, m -> new long[ACKNOWLEDGED + 1]);
  }

  private int[] examplesOf(Durability mode) {
    return exampleCounts.computeIfAbsent(mode, m -> new int[ACKNOWLEDGED]);
  }

  private static CheckResult.Counts toCounts(long[] c) {
    return new CheckResult.Counts(
        c[ACKNOWLEDGED],
        c[Anomaly.Kind.LOST_WRITE.ordinal()],
        c[Anomaly.Kind.PHANTOM.ordinal()],
        c[Anomaly.Kind.REORDERED.ordinal()],
        c[Anomaly.Kind.STALE_READ.ordinal()],
        c[Anomaly.Kind.UNREADABLE.ordinal()]);
  }
}
