package io.floe.loadtests.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

  /** Nanoseconds of CPU used by {@code pid} (0: this JVM), or -1 when unknown. */
  public static long nanos(long pid) {
    if (pid == 0) {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      return (long) (ticks * TICK_NANOS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
