package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ops of one key, indexed so that each question {@link Checker} asks costs a hash lookup or a
 * binary search: acknowledged mutations by invocation time with the earliest completion of every
 * suffix, non-failed deletes by invocation time with the latest effect of every prefix, and the
 * write of every value.
 */
final class KeyHistory {
  private static final Comparator<Op> BY_INVOKE = Comparator.comparingLong(Op::invokeNanos);

  final String table;
  final String key;
  final Durability mode;
  private final Op[] acknowledged;
  private final long[] acknowledgedInvokes;
  private final Op[] firstCompletedFrom;
  private final Op[] deletes;
  private final long[] deleteInvokes;
  private final Op[] lastEffectUpTo;
  private final Map<String, Op> writeOf;
  private final List<Op> reads;

  /**
   * What a read or the final state may have come from.
   *
   * @param source the write of the value; for absent, the delete that takes effect last, or null
   * @param latestEffect the latest time any possible source can take effect: the state is strictly
   *     before an op invoked after it; {@link Long#MIN_VALUE} for the initial absent state and for
   *     a phantom, which explains no write
   * @param earliestInvoke the earliest invocation of any possible source, {@link Long#MIN_VALUE}
   *     when the initial absent state is possible: the state is strictly after another state whose
   *     latestEffect is below it
   * @param phantom why no write can explain the value, or null
   */
  record State(String value, Op source, long latestEffect, long earliestInvoke, String phantom) {}

  private KeyHistory(String table, String key, Durability mode, List<Op> ops) {
    this.table = table;
    this.key = key;
    this.mode = mode;
    List<Op> ack = new ArrayList<>();
    List<Op> del = new ArrayList<>();
    List<Op> read = new ArrayList<>();
    writeOf = new HashMap<>();
    for (Op op : ops) {
      boolean ok = op.outcome() == Outcome.OK;
      if (op.kind() == OpKind.READ) {
        if (ok) {
          read.add(op);
        }
        continue;
      }
      if (ok) {
        ack.add(op);
      }
      if (op.kind() == OpKind.DELETE && op.outcome() != Outcome.FAILED) {
        del.add(op);
      }
      if (op.kind() == OpKind.WRITE) {
        writeOf.merge(op.value(), op, KeyHistory::standsFor);
      }
    }
    acknowledged = sorted(ack);
    acknowledgedInvokes = invokes(acknowledged);
    firstCompletedFrom = firstCompletedFrom(acknowledged);
    deletes = sorted(del);
    deleteInvokes = invokes(deletes);
    lastEffectUpTo = lastEffectUpTo(deletes);
    read.sort(BY_INVOKE);
    reads = read;
  }

  static KeyHistory of(String table, String key, Durability mode, List<Op> ops) {
    return new KeyHistory(table, key, mode, ops);
  }

  int acknowledgedCount() {
    return acknowledged.length;
  }

  /** The ok reads, by invocation time. */
  List<Op> reads() {
    return reads;
  }

  /** The acknowledged writes and deletes invoked after {@code nanos}, by invocation time. */
  List<Op> acknowledgedInvokedAfter(long nanos) {
    return Arrays.asList(acknowledged)
        .subList(upperBound(acknowledgedInvokes, nanos), acknowledged.length);
  }

  /** The acknowledged write or delete invoked last, or null. */
  Op newestAcknowledged() {
    return acknowledged.length == 0 ? null : acknowledged[acknowledged.length - 1];
  }

  /**
   * An acknowledged write or delete invoked after {@code after} and completed before {@code
   * before}.
   */
  Op acknowledgedBetween(long after, long before) {
    int from = upperBound(acknowledgedInvokes, after);
    if (from == acknowledged.length) {
      return null;
    }
    Op first = firstCompletedFrom[from];
    return first.completeNanos() < before ? first : null;
  }

  /** The state the final read of {@code value} (null: absent) can come from. */
  State finalState(String value) {
    return value == null ? absent(Op.NEVER) : present(value, Op.NEVER);
  }

  /** The state an ok read can come from; a write invoked after the read completed cannot count. */
  State readState(Op read) {
    return read.value() == null
        ? absent(read.completeNanos())
        : present(read.value(), read.completeNanos());
  }

  private State present(String value, long readDone) {
    Op write = writeOf.get(value);
    if (write == null) {
      return phantom(value, null, Checker.NEVER_WRITTEN);
    }
    if (write.outcome() == Outcome.FAILED) {
      return phantom(value, write, "written only by a failed write");
    }
    if (write.invokeNanos() > readDone) {
      return phantom(value, write, "written only after the read completed");
    }
    return new State(value, write, write.latestEffectNanos(), write.invokeNanos(), null);
  }

  private State absent(long readDone) {
    int possible = upperBound(deleteInvokes, readDone);
    if (possible == 0) {
      return new State(null, null, Long.MIN_VALUE, Long.MIN_VALUE, null);
    }
    Op last = lastEffectUpTo[possible - 1];
    return new State(null, last, last.latestEffectNanos(), Long.MIN_VALUE, null);
  }

  private static State phantom(String value, Op write, String why) {
    return new State(value, write, Long.MIN_VALUE, Long.MIN_VALUE, why);
  }

  /**
   * Values are unique per run; should one repeat, its earliest write that was not refused counts.
   */
  private static Op standsFor(Op a, Op b) {
    if ((a.outcome() == Outcome.FAILED) != (b.outcome() == Outcome.FAILED)) {
      return a.outcome() == Outcome.FAILED ? b : a;
    }
    return a.invokeNanos() <= b.invokeNanos() ? a : b;
  }

  private static Op[] sorted(List<Op> ops) {
    Op[] out = ops.toArray(new Op[0]);
    Arrays.sort(out, BY_INVOKE);
    return out;
  }

  private static long[] invokes(Op[] ops) {
    long[] out = new long[ops.length];
    for (int i = 0; i < ops.length; i++) {
      out[i] = ops[i].invokeNanos();
    }
    return out;
  }

  private static Op[] firstCompletedFrom(Op[] ops) {
    Op[] out = new Op[ops.length];
    for (int i = ops.length - 1; i >= 0; i--) {
      boolean earlier = i == ops.length - 1 || ops[i].completeNanos() < out[i + 1].completeNanos();
      out[i] = earlier ? ops[i] : out[i + 1];
    }
    return out;
  }

  private static Op[] lastEffectUpTo(Op[] ops) {
    Op[] out = new Op[ops.length];
    for (int i = 0; i < ops.length; i++) {
      boolean later = i == 0 || ops[i].latestEffectNanos() > out[i - 1].latestEffectNanos();
      out[i] = later ? ops[i] : out[i - 1];
    }
    return out;
  }

  /** The index of the first element greater than {@code nanos} in ascending {@code sorted}. */
  static int upperBound(long[] sorted, long nanos) {
    int low = 0;
    int high = sorted.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (sorted[mid] <= nanos) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
