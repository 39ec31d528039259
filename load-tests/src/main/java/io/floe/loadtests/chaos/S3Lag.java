package io.floe.loadtests.chaos;

import io.floe.loadtests.MetricsEndpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each data node's lag to S3 over the run, from its Prometheus endpoint once a second: the longest
 * time a write waited between its append and its WAL object landing in S3, over the node's last
 * stats window ({@code floe_wal_lag_window_max_seconds}, {@code wal.stats-interval}). A node that
 * does not answer (killed, paused) has no sample then.
 */
final class S3Lag implements AutoCloseable {
  static final String METRIC = "floe_wal_lag_window_max_seconds";
  private static final Pattern LINE =
      Pattern.compile("^" + METRIC + "(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);

  /** One node's samples: seconds since the run began, and the lag then in seconds. */
  record NodeSeries(String node, double[] seconds, double[] lagSeconds) {}

  private final Map<String, Integer> metricsPorts;
  private final long originNanos;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
  private final Map<String, List<double[]>> samples = new LinkedHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "chaos-s3-lag");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param metricsPorts node id → the port of its Prometheus endpoint on 127.0.0.1
   */
  S3Lag(Map<String, Integer> metricsPorts, long originNanos) {
    this.metricsPorts = Map.copyOf(metricsPorts);
    this.originNanos = originNanos;
    metricsPorts.keySet().forEach(n -> samples.put(n, new ArrayList<>()));
  }

  S3Lag start() {
    timer.scheduleWithFixedDelay(this::sampleAll, 0, 1, TimeUnit.SECONDS);
    return this;
  }

  private void sampleAll() {
    double at = (System.nanoTime() - originNanos) / 1e9;
    metricsPorts.forEach(
        (node, port) ->
            scrape(port)
                .ifPresent(
                    lag -> {
                      synchronized (samples) {
                        samples.get(node).add(new double[] {at, lag});
                      }
                    }));
  }

  private OptionalDouble scrape(int port) {
    try {
      return parse(MetricsEndpoint.scrape(http, "127.0.0.1:" + port, Duration.ofMillis(700)));
    } catch (IOException e) {
      return OptionalDouble.empty(); // down or paused: no sample
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  /** The lag a scrape states, if it states it. */
  static OptionalDouble parse(String scrape) {
    Matcher m = LINE.matcher(scrape);
    if (!m.find()) {
      return OptionalDouble.empty();
    }
    double v = Double.parseDouble(m.group(1));
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  /** Every node's samples so far, in time order. */
  List<NodeSeries> series() {
    List<NodeSeries> out = new ArrayList<>();
    synchronized (samples) {
      samples.forEach(
          (node, list) ->
              out.add(
                  new NodeSeries(
                      node,
                      list.stream().mapToDouble(s -> s[0]).toArray(),
                      list.stream().mapToDouble(s -> s[1]).toArray())));
    }
    return out;
  }

  /** The p50, p99 and max of every sample of every node, in seconds; empty when there is none. */
  static double[] percentiles(List<NodeSeries> series) {
    double[] all = series.stream().flatMapToDouble(s -> Arrays.stream(s.lagSeconds())).toArray();
    if (all.length == 0) {
      return new double[0];
    }
    Arrays.sort(all);
    return new double[] {at(all, 0.50), at(all, 0.99), all[all.length - 1]};
  }

  private static double at(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
