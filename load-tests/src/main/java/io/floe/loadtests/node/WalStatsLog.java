package io.floe.loadtests.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's {@code wal-stats} log lines (one per stats window, see the data plane's WAL shipper),
 * read back from its log file to tell what the node did to S3 during the Floe put phases: only the
 * windows lying wholly inside a phase count.
 */
final class WalStatsLog {
  /** One window as the node logged it. */
  record Window(
      long endMillis,
      long millis,
      long puts,
      long objects,
      long bytes,
      long entries,
      long lagP50Micros,
      long lagP99Micros,
      long lagMaxMicros) {
    long startMillis() {
      return endMillis - millis;
    }
  }

  /**
   * The windows of a set of phases summed: PUTs, objects, bytes and entries per second exactly
   * (totals over total time), the lag's median window p50, worst window p99 and the maximum.
   */
  record Summary(
      int windows,
      double putsPerSecond,
      double objectsPerSecond,
      double bytesPerSecond,
      double entriesPerSecond,
      long lagP50Micros,
      long lagP99Micros,
      long lagMaxMicros) {}

  private WalStatsLog() {}

  static List<Window> read(Path log) throws IOException {
    List<Window> windows = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      int at = line.indexOf("wal-stats ");
      if (at < 0) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      for (String token : line.substring(at).split(" ")) {
        int eq = token.indexOf('=');
        if (eq > 0) {
          f.put(token.substring(0, eq), token.substring(eq + 1));
        }
      }
      windows.add(
          new Window(
              num(f, "at-ms"),
              num(f, "window-ms"),
              num(f, "puts"),
              num(f, "objects"),
              num(f, "bytes"),
              num(f, "entries"),
              num(f, "lag-us-p50"),
              num(f, "lag-us-p99"),
              num(f, "lag-us-max")));
    }
    return windows;
  }

  /** The windows wholly inside one of the phases ({@code [startMillis, endMillis]} pairs). */
  static Summary summarize(List<Window> windows, List<long[]> phases) {
    List<Window> in = new ArrayList<>();
    for (Window w : windows) {
      for (long[] p : phases) {
        if (w.startMillis() >= p[0] && w.endMillis() <= p[1]) {
          in.add(w);
          break;
        }
      }
    }
    if (in.isEmpty()) {
      return null;
    }
    long millis = 0;
    long puts = 0;
    long objects = 0;
    long bytes = 0;
    long entries = 0;
    long p99 = 0;
    long max = 0;
    List<Long> p50s = new ArrayList<>();
    for (Window w : in) {
      millis += w.millis();
      puts += w.puts();
      objects += w.objects();
      bytes += w.bytes();
      entries += w.entries();
      p99 = Math.max(p99, w.lagP99Micros());
      max = Math.max(max, w.lagMaxMicros());
      p50s.add(w.lagP50Micros());
    }
    p50s.sort(Long::compare);
    double seconds = millis / 1000.0;
    return new Summary(
        in.size(),
        puts / seconds,
        objects / seconds,
        bytes / seconds,
        entries / seconds,
        p50s.get(p50s.size() / 2),
        p99,
        max);
  }

  private static long num(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null) {
      throw new IllegalArgumentException("wal-stats line without " + name);
    }
    return Long.parseLong(v);
  }
}
