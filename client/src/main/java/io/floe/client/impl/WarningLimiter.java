package io.floe.client.impl;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says when a warning about one subject (an endpoint) is due: the first time, then at most once per
 * {@link #INTERVAL}, so that a node that is down does not flood the application's log while
 * requests retry against it.
 */
final class WarningLimiter {
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private final ConcurrentHashMap<String, Long> lastWarned = new ConcurrentHashMap<>();

  boolean due(String subject) {
    long now = System.nanoTime();
    boolean[] due = {false};
    lastWarned.compute(
        subject,
        (k, last) -> {
          if (last == null || now - last >= INTERVAL.toNanos()) {
            due[0] = true;
            return now;
          }
          return last;
        });
    return due[0];
  }
}
