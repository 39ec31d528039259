package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.List;
import java.util.Map;

/**
 * Checks a run's {@link History} against every table's contents read after the run, key by key, and
 * counts anomalies per durability mode.
 *
 * <p><b>Strictly before.</b> Op {@code a} is strictly before op {@code b} iff {@code a} was
 * acknowledged before {@code b} was invoked ({@code a.completeNanos() < b.invokeNanos()}, {@code a}
 * ok). Ops with an unknown outcome, including ops that never completed, are strictly before
 * nothing: they may take effect any time after their invocation. Failed ops took no effect at all.
 *
 * <p><b>States.</b> Writes put values unique across the run, so a value names its write. A value
 * seen in the final state or by an ok read comes from that write. Absent comes from the initial
 * state or from a delete that was not refused (for a read: one invoked before the read completed);
 * it is strictly before an op iff every such delete is.
 *
 * <ul>
 *   <li><b>Lost write</b>, counted per acknowledged write or delete {@code w}: the final state is
 *       strictly before {@code w}, or is a phantom. An absent key with acknowledged writes and no
 *       delete loses them all.
 *   <li><b>Phantom</b>, counted per final key and per read: a value that no write on that key put,
 *       that only a failed write put, or (for a read) whose write was invoked only after the read
 *       completed.
 *   <li><b>Reordered</b>, counted per key: the final state comes from a write or delete that is
 *       strictly before an acknowledged write, or strictly before the write of a value an ok read
 *       returned: an older state came back. The overtaken acknowledged writes also count as lost;
 *       the reorder says that something older survived rather than that the key simply vanished.
 *   <li><b>Stale read</b>, counted per ok read {@code r}: an acknowledged write or delete {@code w}
 *       completed before {@code r} was invoked while {@code r}'s state is strictly before {@code
 *       w}; or an earlier ok read {@code r1} (strictly before {@code r}) returned a value whose
 *       write {@code r}'s state is strictly before: the reads went back in time.
 * </ul>
 *
 * <p>Only ok reads are checked, and a phantom read is not also checked for staleness. An absent key
 * with acknowledged writes and no delete counts them as lost but is not reordered: nothing older
 * came back.
 *
 * <p>Cost: one counting sort of the history by key, then O(n log n) per key in its op count.
 */
public final class Checker {
  public static final int MAX_EXAMPLES_DEFAULT = 5;

  static final String NEVER_WRITTEN = "never written to this key";

  private final int maxExamples;

  /** A checker keeping {@link #MAX_EXAMPLES_DEFAULT} examples of each anomaly per mode. */
  public Checker() {
    this(MAX_EXAMPLES_DEFAULT);
  }

  /** A checker keeping up to {@code maxExamples} examples of each anomaly per mode. */
  public Checker(int maxExamples) {
    if (maxExamples < 0) {
      throw new IllegalArgumentException("maxExamples must be >= 0, not " + maxExamples);
    }
    this.maxExamples = maxExamples;
  }

  /**
   * Checks {@code history} against {@code finalState}: table → key → value read after the run, a
   * key absent from its table's map being absent. Every table the history touched must be present,
   * empty if it holds nothing, so that a table left unread is not mistaken for lost data.
   */
  public CheckResult check(List<Op> history, Map<String, Map<String, String>> finalState) {
    return check(history, finalState, Map.of());
  }

  /**
   * Like {@link #check(List, Map)}, where {@code unreadable} names the keys the read back could not
   * read (table → key → the error it met): each is counted {@link Anomaly.Kind#UNREADABLE} instead
   * of being taken for absent, its reads still checked.
   */
  public CheckResult check(
      List<Op> history,
      Map<String, Map<String, String>> finalState,
      Map<String, Map<String, String>> unreadable) {
    KeyGroups groups = new KeyGroups(history);
    for (String table : groups.tables()) {
      if (!finalState.containsKey(table)) {
        throw new IllegalArgumentException(
            "final state lacks table " + table + "; read every table the history touched");
      }
    }
    Tally tally = new Tally(maxExamples);
    groups.forEachKey(
        (table, key, mode, ops) -> {
          KeyCheck check = new KeyCheck(KeyHistory.of(table, key, mode, ops), tally);
          String why = unreadable.getOrDefault(table, Map.of()).get(key);
          if (why != null) {
            check.runUnreadable(why);
          } else {
            check.run(finalState.get(table).get(key));
          }
        });
    checkUntouchedKeys(groups, finalState, tally);
    return tally.result();
  }

  /** A value in the final state under a key that no op touched was never written. */
  private static void checkUntouchedKeys(
      KeyGroups groups, Map<String, Map<String, String>> finalState, Tally tally) {
    for (Map.Entry<String, Map<String, String>> table : finalState.entrySet()) {
      Durability mode = groups.modeOf(table.getKey());
      for (Map.Entry<String, String> row : table.getValue().entrySet()) {
        if (row.getValue() != null && !groups.contains(table.getKey(), row.getKey())) {
          tally.add(untouched(mode, table.getKey(), row.getKey(), row.getValue()));
        }
      }
    }
  }

  private static Anomaly untouched(Durability mode, String table, String key, String value) {
    return new Anomaly(
        Anomaly.Kind.PHANTOM, mode, table, key, value, null, null, null, NEVER_WRITTEN);
  }
}
