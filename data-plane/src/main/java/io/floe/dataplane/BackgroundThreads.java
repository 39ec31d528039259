package io.floe.dataplane;

import io.floe.core.config.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a node's background work — snapshots, checkpoints, expiry sweeps — which should run
 * in the CPU time requests leave and not take it from them: it lowers its own scheduling priority
 * (Linux's nice, {@link #NICE}) when it starts. Measured with YCSB A at 16 threads on two cores: a
 * snapshot of every partition comes about every 40 s under that load, and at the same priority as
 * the I/O threads it cost 2–6 % of throughput cold and 2–8 % warm (alternated runs).
 *
 * <p>Java has no call for a thread's nice value (thread priorities are ignored on Linux unless the
 * JVM runs with {@code -XX:ThreadPriorityPolicy=1}, which also raises the JIT's and GC's threads
 * when run as root), so the thread finds its id in {@code /proc/thread-self} and runs {@code
 * renice} on itself: lowering one's own priority needs no privilege. Where that cannot be done (no
 * {@code /proc}, no {@code renice}) the work runs at normal priority, said once in the log.
 */
public final class BackgroundThreads {
  /** The nice value of background threads, 0 (as the rest of the node) to 19; default 4. */
  public static final String NICE = "node.background-nice";

  public static final int NICE_DEFAULT = 4;
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundThreads.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private BackgroundThreads() {}

  /** A single daemon thread named {@code name} for scheduled background work. */
  public static ScheduledExecutorService scheduler(String name, Properties settings) {
    int nice = nice(settings);
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t =
              new Thread(
                  () -> {
                    lowerPriority(nice);
                    r.run();
                  },
                  name);
          t.setDaemon(true);
          return t;
        });
  }

  static int nice(Properties settings) {
    int nice = ConfigReader.of(settings).integer(NICE, NICE_DEFAULT);
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException(
          NICE
              + " must be between 0 and 19 (a background thread can only be lowered), found "
              + nice);
    }
    return nice;
  }

  /** Sets the calling thread's nice value; false (said once in the log) when it cannot. */
  static boolean lowerPriority(int nice) {
    if (nice == 0) {
      return true;
    }
    String problem;
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // <pid>/task/<tid>
      String tid = self.getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
              .redirectErrorStream(true)
              .start();
      String output = new String(renice.getInputStream().readAllBytes()).trim();
      if (!renice.waitFor(5, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
        problem = "renice did not finish";
      } else if (renice.exitValue() != 0) {
        problem = "renice exited " + renice.exitValue() + ": " + output;
      } else {
        return true;
      }
    } catch (IOException | UnsupportedOperationException e) {
      problem = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted";
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "Background work ({}) runs at normal priority, so it competes with requests for CPU:"
              + " cannot set nice {}: {}",
          Thread.currentThread().getName(),
          nice,
          problem);
    }
    return false;
  }
}
