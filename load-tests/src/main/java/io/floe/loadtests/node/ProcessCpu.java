package io.floe.loadtests.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time (user + system) consumed so far by a process: a server by its pid from {@code
 * /proc/<pid>/stat}, or this JVM. CPU per operation is steadier than throughput on a machine shared
 * with other work, so the report shows both.
 */
public final class ProcessCpu {
  private static final double TICK_NANOS = 1e9 / 100; // USER_HZ is 100 on Linux

  private ProcessCpu() {}

  /**
   * Nanoseconds of CPU used by all of {@code pids} together (a store of several processes: data
   * nodes, a Redis primary and its replicas), or -1 when any is unknown or none is given.
   */
  public static long nanos(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      long n = nanos(pid);
      if (n < 0) {
        return -1;
      }
      total += n;
    }
    return pids.isEmpty() ? -1 : total;
  }

  /**
   * Nanoseconds of CPU used so far by this JVM's JIT compiler threads (HotSpot's {@code C1
   * CompilerThread*} and {@code C2 CompilerThread*}, by their names in {@code /proc/self/task}), or
   * -1 where that is not readable. A compiler thread that exits takes its time with it: on a
   * machine of few cores HotSpot keeps one of each for the life of the JVM.
   */
  public static long compilerNanos() {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      long ticks = 0;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          ticks += ticks(stat);
        }
      }
      return (long) (ticks * TICK_NANOS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of a {@code stat} line; fields after the name, which may hold spaces. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Nanoseconds of CPU used by {@code pid} (0: this JVM), or -1 when unknown. */
  public static long nanos(long pid) {
    if (pid == 0) {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
    try {
      return (long) (ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * TICK_NANOS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
