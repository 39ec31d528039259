package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records what workload clients did during a run, for {@link Checker}. Thread-safe: any number of
 * client threads call {@link #begin} and then exactly one of {@link #ok}, {@link #failed} or {@link
 * #unknown} on the handle, without a shared lock.
 *
 * <p>Times are {@link System#nanoTime()} relative to the history's creation, so they are monotonic
 * and comparable across threads. Op {@code a} is strictly before op {@code b} iff {@code a} was
 * acknowledged before {@code b} was invoked (see {@link Op}). An op begun but never completed (its
 * client was killed or is still waiting) appears in {@link #ops()} with an unknown outcome and
 * {@link Op#NEVER} as completion, so it is strictly before nothing.
 */
public final class History {
  private final Map<String, Durability> tableModes;
  private final long origin = System.nanoTime();
  private final LongSupplier clock;
  private final OpSlots slots = new OpSlots();

  /** A history of ops on the given tables, each with its durability mode. */
  public History(Map<String, Durability> tableModes) {
    this.tableModes = Map.copyOf(tableModes);
    this.clock = () -> System.nanoTime() - origin;
  }

  History(Map<String, Durability> tableModes, LongSupplier clock) {
    this.tableModes = Map.copyOf(tableModes);
    this.clock = clock;
  }

  /** The {@link System#nanoTime()} this history's times count from. */
  public long originNanos() {
    return origin;
  }

  /** An op that has been invoked and awaits its outcome. */
  public static final class Pending {
    private final long index;
    private final Op invoked;

    private Pending(long index, Op invoked) {
      this.index = index;
      this.invoked = invoked;
    }

    /** The op as invoked: unknown outcome, never completed. */
    public Op invoked() {
      return invoked;
    }
  }

  /**
   * Records that a client invokes an op now. {@code value} is the value to write for {@link
   * OpKind#WRITE}, and null for deletes and reads.
   */
  public Pending begin(OpKind kind, String table, String key, String value) {
    Durability mode = tableModes.get(table);
    if (mode == null) {
      throw new IllegalArgumentException(
          "table " + table + " is not one of this history's tables " + tableModes.keySet());
    }
    if (kind == OpKind.READ && value != null) {
      throw new IllegalArgumentException("a read is begun without a value; pass it to ok()");
    }
    long index = slots.reserve();
    Op op = Op.invoked(index, kind, mode, table, key, value, clock.getAsLong());
    slots.set(index, op);
    return new Pending(index, op);
  }

  /** The write or delete was acknowledged. */
  public void ok(Pending op) {
    if (op.invoked.kind() == OpKind.READ) {
      throw new IllegalArgumentException("a read completes with the value it read: ok(op, value)");
    }
    complete(op, Outcome.OK, op.invoked.value(), null);
  }

  /** The read returned {@code readValue}, null if the key was absent. */
  public void ok(Pending op, String readValue) {
    if (op.invoked.kind() != OpKind.READ) {
      throw new IllegalArgumentException("only a read completes with a value; use ok(op)");
    }
    complete(op, Outcome.OK, readValue, null);
  }

  /** The server refused the op: it took no effect. */
  public void failed(Pending op, String error) {
    complete(op, Outcome.FAILED, op.invoked.value(), error);
  }

  /** The client cannot tell whether the op took effect (timeout, connection lost). */
  public void unknown(Pending op, String error) {
    complete(op, Outcome.UNKNOWN, op.invoked.value(), error);
  }

  /** Every op begun so far, in the order begun; those still pending have unknown outcomes. */
  public List<Op> ops() {
    return slots.snapshot();
  }

  private void complete(Pending pending, Outcome outcome, String value, String error) {
    Op in = pending.invoked;
    long now = Math.max(clock.getAsLong(), in.invokeNanos());
    Op done = in.completed(now, outcome, value, error);
    if (!slots.replace(pending.index, in, done)) {
      throw new IllegalStateException("op #" + in.id() + " was already completed");
    }
  }
}
