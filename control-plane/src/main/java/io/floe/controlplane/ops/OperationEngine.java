package io.floe.controlplane.ops;

import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.ops.OperationStore.Stored;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stored operations while this control plane leads: every operation that is not ended is
 * picked up (a new one, or one a dead leader left at its current task), one at a time per partition
 * in id order, many partitions at once. After each task the outcome is stored with a write guarded
 * on the revision read; a write that loses (a cancel, another leader) stops the run, and the
 * operation is read again on the next pass.
 */
public final class OperationEngine implements AutoCloseable {
  /** The param naming what started an operation by itself, when nobody typed it. */
  public static final String AUTO = "auto";

  /** {@link #AUTO}'s value for a ChangeLeader automatic failover started. */
  public static final String FAILOVER = "failover";

  private static final Logger LOG = LoggerFactory.getLogger(OperationEngine.class);
  private static final Duration PASS = Duration.ofMillis(250);

  private final OperationStore store;
  private final Map<OpType, OperationKind> kinds = new EnumMap<>(OpType.class);
  private final BooleanSupplier leading;
  private final LongSupplier clock;
  private final ExecutorService workers;
  private final ScheduledExecutorService passes;
  private final Set<Long> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public OperationEngine(
      OperationStore store,
      List<OperationKind> kinds,
      BooleanSupplier leading,
      LongSupplier clock,
      int threads) {
    this.store = store;
    kinds.forEach(k -> this.kinds.put(k.type(), k));
    this.leading = leading;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "floe-op-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.passes =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "floe-op-passes");
              t.setDaemon(true);
              return t;
            });
    passes.scheduleWithFixedDelay(this::pass, 0, PASS.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Creates an operation and starts it at once (when leading). */
  public Operation submit(OpType type, String table, int pid, Map<String, String> params) {
    OperationKind kind = kind(type);
    Stored s = store.create(type, table, pid, kind.firstTask(), params);
    LOG.info("operation {} {} {} pid {} created {}", s.op().id(), type, table, pid, params);
    wake();
    return s.op();
  }

  /** Looks for work now rather than at the next pass. */
  public void wake() {
    if (!closed) {
      passes.execute(this::pass);
    }
  }

  /**
   * Cancels operation {@code id} if it has not ended and its current task may stop.
   *
   * @throws ControlException {@code OPERATION_NOT_FOUND}, or {@code CONFLICT} when it cannot stop
   */
  public Operation cancel(long id) {
    for (int attempt = 0; attempt < 10; attempt++) {
      Stored s =
          store
              .get(id)
              .orElseThrow(
                  () -> new ControlException(Problem.OPERATION_NOT_FOUND, "no operation " + id));
      Operation op = s.op();
      if (op.status().ended()) {
        throw new ControlException(
            Problem.CONFLICT, "operation " + id + " already ended: " + op.status());
      }
      if (!kind(op.type()).cancellable(op.curTask())) {
        throw new ControlException(
            Problem.CONFLICT,
            "operation "
                + id
                + " ("
                + op.type()
                + ") is at task '"
                + op.curTask()
                + "', which cannot stop safely; it will finish by itself");
      }
      Optional<Stored> written =
          store.update(s, op.ended(OpStatus.canceled, clock.getAsLong(), "canceled on request"));
      if (written.isPresent()) {
        return written.get().op();
      }
    }
    throw new ControlException(Problem.CONFLICT, "operation " + id + " keeps changing; try again");
  }

  private OperationKind kind(OpType type) {
    OperationKind kind = kinds.get(type);
    if (kind == null) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "operations of type " + type + " are not supported yet");
    }
    return kind;
  }

  private void pass() {
    if (closed || !leading.getAsBoolean()) {
      return;
    }
    try {
      List<Stored> all = store.open();
      for (int i = 0; i < all.size(); i++) {
        Operation op = all.get(i).op();
        if (op.status().ended() || running.contains(op.id()) || !kinds.containsKey(op.type())) {
          continue;
        }
        if (blockedByEarlier(all, i)) {
          continue;
        }
        running.add(op.id());
        workers.execute(() -> runToEnd(op.id()));
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot read operations: {}", e.toString());
    }
  }

  /**
   * An earlier operation on the same partition that has not ended goes first; a failover (a
   * ChangeLeader automatic failover started) waits only for earlier ones that may move leaders.
   */
  private static boolean blockedByEarlier(List<Stored> all, int index) {
    Operation op = all.get(index).op();
    boolean failover = op.type() == OpType.ChangeLeader && FAILOVER.equals(op.param(AUTO));
    for (int j = 0; j < index; j++) {
      Operation earlier = all.get(j).op();
      if (!earlier.status().ended()
          && earlier.touches(op.table(), op.pid())
          && (!failover || earlier.type().movesLeaders())) {
        return true;
      }
    }
    return false;
  }

  private void runToEnd(long id) {
    try {
      while (!closed && leading.getAsBoolean()) {
        Optional<Stored> read = store.get(id);
        if (read.isEmpty() || read.get().op().status().ended()) {
          return;
        }
        Stored s = read.get();
        Operation op = s.op();
        Step step;
        while (true) {
          try {
            step = kind(op.type()).run(op);
          } catch (RuntimeException e) {
            LOG.warn("operation {} task {}: {}", id, op.curTask(), e.toString());
            step = Step.retry(Duration.ofMillis(500), String.valueOf(e.getMessage()));
          }
          if (!(step instanceof Step.Next next) || next.store()) {
            break;
          }
          LOG.info("operation {} {}: {} -> {}", id, op.type(), op.curTask(), next.task());
          op = next.op().at(next.task(), OpStatus.doing).because(null);
        }
        if (!leading.getAsBoolean()) {
          return;
        }
        if (!apply(s, op, step)) {
          return;
        }
      }
    } finally {
      running.remove(id);
    }
  }

  /**
   * Stores the step's outcome over {@code s} (the operation as last read; {@code op} is it as run,
   * with what unstored steps decided); false when the run should stop (ended, or lost the write).
   */
  private boolean apply(Stored s, Operation op, Step step) {
    long now = clock.getAsLong();
    if (step instanceof Step.Next next) {
      Operation moved = next.op().at(next.task(), OpStatus.doing).because(null);
      LOG.info("operation {} {}: {} -> {}", op.id(), op.type(), op.curTask(), next.task());
      return store.update(s, moved).isPresent();
    }
    if (step instanceof Step.Retry retry) {
      if ((!retry.why().equals(op.reason().orElse(null))
              || op.status() == OpStatus.inited
              || !op.equals(s.op()))
          && store.update(s, op.at(op.curTask(), OpStatus.doing).because(retry.why())).isEmpty()) {
        return true; // read again: maybe canceled
      }
      sleep(retry.delay());
      return true;
    }
    if (step instanceof Step.Done done) {
      LOG.info("operation {} {} {} pid {} done", op.id(), op.type(), op.table(), op.pid());
      store.update(s, op.ended(OpStatus.done, now, done.why()));
      return false;
    }
    Step.Failed failed = (Step.Failed) step;
    LOG.warn("operation {} {} failed: {}", op.id(), op.type(), failed.why());
    store.update(s, op.ended(OpStatus.failed, now, failed.why()));
    return false;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    passes.shutdownNow();
    workers.shutdownNow();
  }
}
