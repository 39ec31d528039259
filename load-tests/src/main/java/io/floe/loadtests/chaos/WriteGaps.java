package io.floe.loadtests.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * Availability across a fault: for each partition, the longest time without an acknowledged write
 * from the last one before the fault to the first one after the cluster was whole again. A failover
 * shows as a gap of about its length on the partitions the victim led; a partition left without
 * writes (a leader that takes none and is not moved) as a gap as long as the fault's aftermath.
 */
final class WriteGaps {
  /** The longest gap of one fault: where, and how long. */
  record Gap(String table, int partition, double seconds) {
    static final Gap NONE = new Gap("", -1, 0);

    String where() {
      return partition < 0 ? "—" : table + "/" + partition;
    }
  }

  private final Map<String, long[]> acks = new HashMap<>();

  /**
   * @param ops the history (times relative to its origin)
   * @param partitionOf the partition of a key of a table
   */
  WriteGaps(List<Op> ops, ToIntBiFunction<String, String> partitionOf) {
    Map<String, List<Long>> byPartition = new HashMap<>();
    for (Op op : ops) {
      if (op.isMutation() && op.outcome() == Outcome.OK) {
        String at = op.table() + "/" + partitionOf.applyAsInt(op.table(), op.key());
        byPartition.computeIfAbsent(at, k -> new ArrayList<>()).add(op.completeNanos());
      }
    }
    byPartition.forEach(
        (at, times) -> {
          long[] sorted = times.stream().mapToLong(Long::longValue).toArray();
          Arrays.sort(sorted);
          acks.put(at, sorted);
        });
  }

  /**
   * The longest gap between acknowledged writes of any partition from {@code startSec} to {@code
   * endSec}: counted from the partition's last acknowledgement at or before the start (the start
   * itself if none) to its first after the end (the end itself if none).
   */
  Gap longest(double startSec, double endSec) {
    long start = (long) (startSec * 1e9);
    long end = (long) (endSec * 1e9);
    Gap worst = Gap.NONE;
    for (Map.Entry<String, long[]> e : acks.entrySet()) {
      long[] t = e.getValue();
      int i = KeyHistory.upperBound(t, start); // first ack after the start
      long previous = i > 0 ? t[i - 1] : start;
      long longest = 0;
      for (; i < t.length && t[i] <= end; i++) {
        longest = Math.max(longest, t[i] - previous);
        previous = t[i];
      }
      long after = i < t.length ? t[i] : end;
      longest = Math.max(longest, after - previous);
      if (longest / 1e9 > worst.seconds()) {
        int slash = e.getKey().lastIndexOf('/');
        worst =
            new Gap(
                e.getKey().substring(0, slash),
                Integer.parseInt(e.getKey().substring(slash + 1)),
                longest / 1e9);
      }
    }
    return worst;
  }
}
