package io.floe.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
  @Test
  void neverGoesBackwardsWhenTheWallClockSteps() {
    AtomicLong wall = new AtomicLong(1_000);
    HybridLogicalClock clock = new HybridLogicalClock(wall::get);
    long first = clock.now();
    wall.set(500); // the wall clock steps back
    long second = clock.now();
    long third = clock.now();
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(third).isEqualTo(1_002);
    wall.set(2_000);
    assertThat(clock.now()).as("back on the wall clock once it passes").isEqualTo(2_000);
  }

  @Test
  void timestampsAreMicrosecondsSinceTheEpoch() {
    long before = java.time.Instant.now().toEpochMilli() * 1_000;
    long ts = new HybridLogicalClock().now();
    long after = (java.time.Instant.now().toEpochMilli() + 1) * 1_000;
    assertThat(ts).isBetween(before, after);
    assertThat(ts).as("exact as a JSON number in any language").isLessThan(1L << 53);
  }

  @Test
  void observedTimestampsFromAnOlderLeaderAreOvertaken() {
    AtomicLong wall = new AtomicLong(1_000);
    HybridLogicalClock clock = new HybridLogicalClock(wall::get);
    long fromPreviousLeader = 5_000_007L;
    clock.observe(fromPreviousLeader);
    assertThat(clock.now()).isEqualTo(fromPreviousLeader + 1);
  }

  @Test
  void concurrentCallersGetDistinctIncreasingTimestamps() throws Exception {
    HybridLogicalClock clock = new HybridLogicalClock(() -> 42);
    Thread[] threads = new Thread[4];
    long[][] seen = new long[threads.length][10_000];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < seen[id].length; i++) {
                  seen[id][i] = clock.now();
                }
              });
      threads[t].start();
    }
    java.util.Set<Long> all = new java.util.HashSet<>();
    for (int t = 0; t < threads.length; t++) {
      threads[t].join();
      for (int i = 1; i < seen[t].length; i++) {
        assertThat(seen[t][i]).isGreaterThan(seen[t][i - 1]);
      }
      for (long ts : seen[t]) {
        all.add(ts);
      }
    }
    assertThat(all).hasSize(threads.length * 10_000);
  }
}
