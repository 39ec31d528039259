package io.floe.dataplane.wal;

import java.util.Arrays;

/**
 * Counts of non-negative values (microseconds) in log buckets with 16 linear sub-buckets per power
 * of two: values below 16 are exact, larger ones are kept within 1/16 (6.25 %). Recording is one
 * array increment, no allocation, so the WAL flusher can record every entry it ships. Not
 * thread-safe: one thread records and reads (the flusher).
 */
public final class LagHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long max;

  /** Records one value; a negative one (clock step) counts as 0. */
  public void record(long value) {
    long v = Math.max(0, value);
    counts[indexOf(v)]++;
    count++;
    if (v > max) {
      max = v;
    }
  }

  public long count() {
    return count;
  }

  /** The largest value recorded, exactly. */
  public long max() {
    return max;
  }

  /**
   * The value at quantile {@code q} (0..1): the highest value of the bucket holding the
   * ceil(q·count)-th smallest value, never above {@link #max()}; 0 when empty.
   */
  public long percentile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(highestIn(i), max);
      }
    }
    return max;
  }

  public void reset() {
    Arrays.fill(counts, 0);
    count = 0;
    max = 0;
  }

  static int indexOf(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    int mantissa = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
    return SUB + (exp - SUB_BITS) * SUB + mantissa;
  }

  static long highestIn(int index) {
    if (index < SUB) {
      return index;
    }
    int exp = (index - SUB) / SUB + SUB_BITS;
    long mantissa = (index - SUB) % SUB;
    long shift = exp - SUB_BITS;
    return ((SUB + mantissa + 1) << shift) - 1;
  }
}
