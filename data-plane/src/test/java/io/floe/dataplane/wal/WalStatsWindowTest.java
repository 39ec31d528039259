package io.floe.dataplane.wal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WalStatsWindowTest {
  private static final long MS = 1_000_000;

  @Test
  void lineReportsPutRateObjectsBytesAndLagOfEveryEntryThenStartsAfresh() {
    WalStatsWindow w = new WalStatsWindow(0);
    // Object 1 durable at 200 ms: entries appended at 0, 100, 150 ms -> lags 200, 100, 50 ms.
    w.shipped(1000, new long[] {0, 100 * MS, 150 * MS}, 3, 200 * MS);
    // Object 2 durable at 400 ms: one entry appended at 390 ms -> 10 ms.
    w.shipped(500, new long[] {390 * MS, 999}, 1, 400 * MS);
    assertThat(w.isDue(500 * MS, 1000 * MS)).isFalse();
    assertThat(w.isDue(1000 * MS, 1000 * MS)).isTrue();

    String line = w.line(1000 * MS, 2, 1234);

    assertThat(line)
        .startsWith("wal-stats at-ms=1234 window-ms=1000 puts=2 puts-per-s=2.00 objects=2")
        .contains(" bytes=1500 entries=4 ")
        .contains(" lag-us-max=200000");
    long p50 = field(line, "lag-us-p50");
    assertThat(p50).isBetween(50_000L, 50_000L + 50_000L / 16);
    assertThat(field(line, "lag-us-p99")).isEqualTo(200_000);

    String next = w.line(2000 * MS, 7, 2234);
    assertThat(next).contains("puts=5 puts-per-s=5.00 objects=0 bytes=0 entries=0 lag-us-p50=0");
  }

  private static long field(String line, String name) {
    for (String token : line.split(" ")) {
      if (token.startsWith(name + "=")) {
        return Long.parseLong(token.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " missing in " + line);
  }
}
