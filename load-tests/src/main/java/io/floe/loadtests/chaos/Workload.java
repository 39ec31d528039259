package io.floe.loadtests.chaos;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTable;
import io.floe.client.KeyRange;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartitionHasher;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import site.ycsb.generator.ScrambledZipfianGenerator;
import site.ycsb.generator.UniformLongGenerator;

/**
 * The harness's clients: threads running one of YCSB's core mixes through the Java client against a
 * set of tables (one per durability mode; each thread on one table, {@link #threadsFor}), every
 * operation recorded in a {@link History} with its invocation and completion time and outcome.
 * Every write puts a value no other write puts ({@code <thread>.<seq>}, padded to the value size
 * after a {@code |}), so a value read names the one write that made it.
 *
 * <p>Outcomes: {@code ok} acknowledged; {@code failed} when the node answered an error that says
 * nothing was applied (data-protocol.md §6: not leader, loading, memory limit, schema …); {@code
 * unknown} otherwise (a timeout, a connection broken after the request was sent, {@code FENCED},
 * {@code INTERNAL}).
 */
final class Workload {
  /** A partition of one of the run's tables. */
  record TablePartition(String table, int pid) {}

  /** One of YCSB's core workloads, as proportions of reads, updates, inserts, scans, RMWs. */
  enum Mix {
    A(0.5, 0.5, 0, 0, 0),
    B(0.95, 0.05, 0, 0, 0),
    C(1.0, 0, 0, 0, 0),
    D(0.95, 0, 0.05, 0, 0),
    E(0, 0, 0.05, 0.95, 0),
    F(0.5, 0, 0, 0, 0.5);

    final double read;
    final double update;
    final double insert;
    final double scan;
    final double readModifyWrite;

    Mix(double read, double update, double insert, double scan, double readModifyWrite) {
      this.read = read;
      this.update = update;
      this.insert = insert;
      this.scan = scan;
      this.readModifyWrite = readModifyWrite;
    }

    static Mix parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** Codes that say the write was not applied (data-protocol.md §6). */
  private static final Set<ErrorCode> NOT_APPLIED =
      EnumSet.of(
          ErrorCode.NOT_LEADER,
          ErrorCode.TABLE_NOT_FOUND,
          ErrorCode.SCHEMA_VIOLATION,
          ErrorCode.ROW_TOO_LARGE,
          ErrorCode.MEMORY_LIMIT,
          ErrorCode.PARTITION_LOADING,
          ErrorCode.PARTITION_NOT_FOUND,
          ErrorCode.MALFORMED_REQUEST,
          ErrorCode.FRAME_TOO_LARGE,
          ErrorCode.UNSUPPORTED_VERSION,
          ErrorCode.CONDITION_FAILED);

  private final List<FloeTable> targets;
  private final History history;
  private final Mix mix;
  private final int threads;
  private final long initialKeys;
  private final boolean zipfian;
  private final int valueBytes;
  private final double opsPerSecond;
  private final AtomicLong insertedKeys;
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> workers = new ArrayList<>();
  private final KeyCodec[] codecs;
  private final int[] partitionBase;
  private final AtomicLongArray firstAck;
  private final AtomicLong acked = new AtomicLong();
  private volatile long armedAt = Long.MAX_VALUE;

  Workload(
      List<FloeTable> targets,
      History history,
      Mix mix,
      int threads,
      long keys,
      boolean zipfian,
      int valueBytes,
      double opsPerSecond) {
    this.targets = List.copyOf(targets);
    this.history = history;
    this.mix = mix;
    this.threads = threadsFor(threads, targets.size());
    this.initialKeys = keys;
    this.zipfian = zipfian;
    this.valueBytes = valueBytes;
    this.opsPerSecond = opsPerSecond;
    this.insertedKeys = new AtomicLong(keys);
    this.codecs = new KeyCodec[targets.size()];
    this.partitionBase = new int[targets.size()];
    int base = 0;
    for (int i = 0; i < targets.size(); i++) {
      codecs[i] = new KeyCodec(targets.get(i).schema());
      partitionBase[i] = base;
      base += targets.get(i).partitions();
    }
    this.firstAck = new AtomicLongArray(base);
  }

  /**
   * The client threads of a run asking for {@code asked} over {@code tables} tables: each thread
   * works on one table, the same number on each (rounded up), so that one mode's stall — an {@code
   * s3} write waiting out an S3 outage — holds no other mode's clients, and each mode's own
   * availability shows.
   */
  static int threadsFor(int asked, int tables) {
    return Math.max(1, (asked + tables - 1) / tables) * tables;
  }

  /** The schema every table of the run has: an {@code int64} key and a {@code string} value. */
  static Schema schema() {
    return new Schema(
        1,
        List.of(
            new io.floe.core.table.Column("id", io.floe.core.table.ColumnType.INT64, false),
            new io.floe.core.table.Column("v", io.floe.core.table.ColumnType.STRING, false)),
        List.of("id"));
  }

  /** Writes every initial key once (recorded like any write), before the threads start. */
  void load(int loaders) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int l = 0; l < loaders; l++) {
      int id = 1000 + l;
      Thread t =
          new Thread(
              () -> {
                long seq = 0;
                for (long k = next.getAndIncrement(); k < initialKeys; k = next.getAndIncrement()) {
                  for (int i = 0; i < targets.size(); i++) {
                    put(i, k, id, seq++);
                  }
                }
              },
              "loader-" + l);
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) {
      t.join();
    }
  }

  void start() {
    running.set(true);
    for (int w = 0; w < threads; w++) {
      int id = w;
      Thread t = new Thread(() -> run(id), "chaos-client-" + w);
      t.start();
      workers.add(t);
    }
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : workers) {
      t.join();
    }
    workers.clear();
  }

  long acknowledgedWrites() {
    return acked.get();
  }

  /** The highest key any insert may have written to (exclusive). */
  long keySpace() {
    return insertedKeys.get();
  }

  /** From now on, remembers per partition the first write acknowledged (invoked after now). */
  void arm() {
    for (int i = 0; i < firstAck.length(); i++) {
      firstAck.set(i, Long.MAX_VALUE);
    }
    armedAt = System.nanoTime();
  }

  /**
   * Waits until every partition of {@code parts} had a write acknowledged that was invoked after
   * {@link #arm()}; answers when the slowest one came ({@link System#nanoTime}), or empty past
   * {@code atMost} after the arm.
   */
  java.util.OptionalLong awaitFirstAcks(Set<TablePartition> parts, Duration atMost)
      throws InterruptedException {
    long armed = armedAt;
    long deadline = armed + atMost.toNanos();
    List<Integer> slots = new ArrayList<>();
    for (TablePartition p : parts) {
      slots.add(slot(p));
    }
    while (true) {
      long slowest = 0;
      boolean all = true;
      for (int s : slots) {
        long at = firstAck.get(s);
        if (at == Long.MAX_VALUE) {
          all = false;
          break;
        }
        slowest = Math.max(slowest, at);
      }
      if (all) {
        armedAt = Long.MAX_VALUE;
        return java.util.OptionalLong.of(slowest);
      }
      if (System.nanoTime() > deadline) {
        armedAt = Long.MAX_VALUE;
        return java.util.OptionalLong.empty();
      }
      Thread.sleep(2);
    }
  }

  private int slot(TablePartition p) {
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i).name().equals(p.table())) {
        return partitionBase[i] + p.pid();
      }
    }
    throw new IllegalArgumentException("no table " + p.table() + " in the workload");
  }

  private void run(int id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    LongSupplier keys =
        zipfian
            ? new ScrambledZipfianGenerator(0, initialKeys - 1)::nextValue
            : new UniformLongGenerator(0, initialKeys - 1)::nextValue;
    long seq = 0;
    long nanosPerOp = opsPerSecond <= 0 ? 0 : (long) (1e9 * threads / opsPerSecond);
    long nextAt = System.nanoTime();
    while (running.get()) {
      if (nanosPerOp > 0) {
        long wait = nextAt - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        nextAt += nanosPerOp;
      }
      int t = id % targets.size();
      double p = random.nextDouble();
      if (p < mix.read) {
        read(t, keys.getAsLong());
      } else if (p < mix.read + mix.update) {
        put(t, keys.getAsLong(), id, seq++);
      } else if (p < mix.read + mix.update + mix.insert) {
        put(t, insertedKeys.getAndIncrement(), id, seq++);
      } else if (p < mix.read + mix.update + mix.insert + mix.scan) {
        scan(t, keys.getAsLong(), 1 + random.nextInt(100));
      } else {
        long k = keys.getAsLong();
        read(t, k);
        put(t, k, id, seq++);
      }
    }
  }

  private void put(int t, long key, int client, long seq) {
    FloeTable table = targets.get(t);
    String value = client + "." + seq;
    Row row = new Row(key, pad(value));
    History.Pending op = history.begin(OpKind.WRITE, table.name(), Long.toString(key), value);
    long invoked = System.nanoTime();
    try {
      table.put(row);
      history.ok(op);
      acked.incrementAndGet();
      if (invoked > armedAt) {
        int pid = PartitionHasher.partition(codecs[t].encode(row), table.partitions());
        firstAck.accumulateAndGet(partitionBase[t] + pid, System.nanoTime(), Math::min);
      }
    } catch (RuntimeException e) {
      if (applied(e)) {
        history.unknown(op, e.toString());
      } else {
        history.failed(op, e.toString());
      }
    }
  }

  private void read(int t, long key) {
    FloeTable table = targets.get(t);
    History.Pending op = history.begin(OpKind.READ, table.name(), Long.toString(key), null);
    try {
      Row row = table.get(key);
      history.ok(op, row == null ? null : unpad((String) row.get(1)));
    } catch (RuntimeException e) {
      history.failed(op, e.toString()); // a read that failed saw nothing
    }
  }

  private void scan(int t, long from, int limit) {
    try {
      targets.get(t).scan(KeyRange.of(new Object[] {from}, null), limit);
    } catch (RuntimeException e) {
      // scans are load, not checked: a failed one is counted by the availability plot only
    }
  }

  /** Whether the write behind {@code e} may have been applied (its outcome is unknown). */
  static boolean applied(RuntimeException e) {
    if (e instanceof FloeRequestException r) {
      return !NOT_APPLIED.contains(r.code());
    }
    if (e instanceof FloeConnectionException c) {
      return c.sent();
    }
    return true; // a timeout, or anything not understood: maybe
  }

  private String pad(String value) {
    if (value.length() + 1 >= valueBytes) {
      return value;
    }
    StringBuilder b = new StringBuilder(valueBytes).append(value).append('|');
    while (b.length() < valueBytes) {
      b.append('x');
    }
    return b.toString();
  }

  /** The unique value a stored string carries (what {@link #pad} added removed). */
  static String unpad(String stored) {
    int bar = stored.indexOf('|');
    return bar < 0 ? stored : stored.substring(0, bar);
  }

  /** How long the read back after the run keeps trying a batch that fails, in all. */
  static final Duration READ_BACK_PATIENCE = Duration.ofSeconds(60);

  /**
   * Every key of every table as read back after the run.
   *
   * @param rows table → key → value, absent keys left out
   * @param unreadable table → key → the error its read met, for keys that could not be read
   */
  record FinalState(
      Map<String, Map<String, String>> rows, Map<String, Map<String, String>> unreadable) {
    long unreadableKeys() {
      return unreadable.values().stream().mapToLong(Map::size).sum();
    }
  }

  /**
   * Reads every key of every table after the run, in batches. A batch that fails is tried again
   * until {@link #READ_BACK_PATIENCE} has passed since the read back began; then its keys are read
   * one by one, and each that still fails is recorded as unreadable with its error: a partition
   * left offline fails the run with its reason rather than ending it without a report.
   */
  FinalState finalState() throws InterruptedException {
    Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
    Map<String, Map<String, String>> unreadable = new java.util.LinkedHashMap<>();
    long space = insertedKeys.get();
    long patience = System.nanoTime() + READ_BACK_PATIENCE.toNanos();
    for (FloeTable table : targets) {
      Map<String, String> rows = new java.util.HashMap<>();
      Map<String, String> failed = new java.util.TreeMap<>();
      for (long from = 0; from < space; from += 500) {
        List<Object[]> batch = new ArrayList<>();
        for (long k = from; k < Math.min(space, from + 500); k++) {
          batch.add(new Object[] {k});
        }
        List<Row> got = readBatch(table, batch, patience);
        for (int i = 0; i < batch.size(); i++) {
          String key = Long.toString((Long) batch.get(i)[0]);
          if (got != null) {
            put(rows, key, got.get(i));
            continue;
          }
          try {
            put(rows, key, table.get(batch.get(i)));
          } catch (RuntimeException e) {
            failed.put(key, e.getMessage());
          }
        }
      }
      out.put(table.name(), rows);
      if (!failed.isEmpty()) {
        unreadable.put(table.name(), failed);
      }
    }
    return new FinalState(out, unreadable);
  }

  /** The batch's rows, or null when it still fails once {@code patience} (a nanoTime) is past. */
  private static List<Row> readBatch(FloeTable table, List<Object[]> batch, long patience)
      throws InterruptedException {
    while (true) {
      try {
        return table.multiGet(batch);
      } catch (RuntimeException e) {
        if (System.nanoTime() - patience > 0) {
          return null;
        }
        Thread.sleep(500);
      }
    }
  }

  private static void put(Map<String, String> rows, String key, Row r) {
    if (r != null) {
      rows.put(key, unpad((String) r.get(1)));
    }
  }
}
