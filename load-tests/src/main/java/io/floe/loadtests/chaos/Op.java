package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.Locale;

/**
 * One operation of a run as its client saw it: what it asked, when (nanoseconds since the history
 * started, monotonic) and how it ended.
 *
 * <p>Op {@code a} is <em>strictly before</em> op {@code b} iff {@code a} was acknowledged before
 * {@code b} was invoked: {@code a.outcome() == OK && a.completeNanos() < b.invokeNanos()}. An op
 * with an unknown outcome is strictly before nothing, because it may take effect long after its
 * client stopped waiting; ops that are not ordered either way are concurrent.
 *
 * @param id position in the history, unique within it
 * @param mode durability mode of the op's table
 * @param value the value written ({@link OpKind#WRITE}), the value read ({@link OpKind#READ} that
 *     ended {@link Outcome#OK}; null when the key was absent), otherwise null
 * @param completeNanos when the client saw the outcome; {@link #NEVER} if it never did
 * @param error why the op failed or its outcome is unknown, or null
 */
public record Op(
    long id,
    OpKind kind,
    Durability mode,
    String table,
    String key,
    String value,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    String error) {

  /** {@link #completeNanos()} of an op whose client never saw an outcome. */
  public static final long NEVER = Long.MAX_VALUE;

  public Op {
    if (kind == null || mode == null || table == null || key == null || outcome == null) {
      throw new IllegalArgumentException("op #" + id + " needs a kind, mode, table, key, outcome");
    }
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException(
          "op #" + id + " completed at " + completeNanos + " before its invocation " + invokeNanos);
    }
    boolean valueFits =
        switch (kind) {
          case WRITE -> value != null;
          case DELETE -> value == null;
          case READ -> true;
        };
    if (!valueFits) {
      throw new IllegalArgumentException("op #" + id + ": a write needs a value, a delete none");
    }
    if (completeNanos == NEVER && outcome != Outcome.UNKNOWN) {
      throw new IllegalArgumentException(
          "op #" + id + " never completed, so its outcome is unknown");
    }
  }

  /** An op just invoked: outcome unknown until completed. */
  static Op invoked(
      long id, OpKind kind, Durability mode, String table, String key, String value, long nanos) {
    return new Op(id, kind, mode, table, key, value, nanos, NEVER, Outcome.UNKNOWN, null);
  }

  /** This op as completed at {@code nanos}; {@code value} replaces the value for a read. */
  Op completed(long nanos, Outcome how, String newValue, String why) {
    return new Op(id, kind, mode, table, key, newValue, invokeNanos, nanos, how, why);
  }

  /** True iff this op was acknowledged before {@code other} was invoked. */
  public boolean isStrictlyBefore(Op other) {
    return latestEffectNanos() < other.invokeNanos;
  }

  /** The latest time this op can take effect: its completion if acknowledged, else unbounded. */
  public long latestEffectNanos() {
    return outcome == Outcome.OK ? completeNanos : NEVER;
  }

  /** True for writes and deletes. */
  public boolean isMutation() {
    return kind != OpKind.READ;
  }

  /** A one-line Markdown rendering: {@code #12 write `w1-3` [1.200000s, 1.500000s] ok}. */
  public String describe() {
    String what = kind.name().toLowerCase(Locale.ROOT);
    String shown = kind == OpKind.DELETE ? "" : " " + Anomaly.quote(value);
    String end = completeNanos == NEVER ? "never completed" : seconds(completeNanos);
    String how =
        outcome.name().toLowerCase(Locale.ROOT) + (error == null ? "" : " (" + error + ")");
    return "#" + id + " " + what + shown + " [" + seconds(invokeNanos) + ", " + end + "] " + how;
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.6fs", nanos / 1e9);
  }
}
