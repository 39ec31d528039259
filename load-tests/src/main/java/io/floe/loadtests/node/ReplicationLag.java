package io.floe.loadtests.node;

import io.floe.loadtests.MetricsEndpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replication lag of Floe's leaders over a phase, from the data nodes' Prometheus endpoints:
 * the histogram {@code floe_replication_lag_seconds} (per follower answer that acknowledges new
 * entries, the time since its leader applied the newest of them) scraped from every node before and
 * after, the difference summed over the nodes, and a quantile read off its buckets (the upper bound
 * of the bucket it falls in).
 */
final class ReplicationLag {
  static final String BUCKET = "floe_replication_lag_seconds_bucket";
  private static final Pattern LINE =
      Pattern.compile("^" + BUCKET + "\\{[^}]*le=\"([^\"]+)\"[^}]*\\} (\\S+)$", Pattern.MULTILINE);

  private final List<String> endpoints;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param endpoints each node's Prometheus endpoint, host:port
   */
  ReplicationLag(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  /** Cumulative bucket counts (upper bound in seconds → count), summed over the nodes. */
  Map<Double, Double> scrape() {
    Map<Double, Double> sum = new TreeMap<>();
    for (String endpoint : endpoints) {
      buckets(fetch(endpoint)).forEach((le, count) -> sum.merge(le, count, Double::sum));
    }
    return sum;
  }

  private String fetch(String endpoint) {
    try {
      return MetricsEndpoint.scrape(http, endpoint, Duration.ofSeconds(5));
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape " + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping " + endpoint, e);
    }
  }

  /** The lag histogram's cumulative buckets in one scrape (empty when the node has none yet). */
  static Map<Double, Double> buckets(String text) {
    Map<Double, Double> out = new TreeMap<>();
    Matcher m = LINE.matcher(text);
    while (m.find()) {
      double le =
          m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      out.merge(le, Double.parseDouble(m.group(2)), Double::sum);
    }
    return out;
  }

  /** {@code after} minus {@code before}, bucket by bucket. */
  static Map<Double, Double> difference(Map<Double, Double> after, Map<Double, Double> before) {
    Map<Double, Double> out = new TreeMap<>();
    after.forEach((le, count) -> out.put(le, count - before.getOrDefault(le, 0.0)));
    return out;
  }

  /** Adds {@code more} into {@code into}, bucket by bucket. */
  static void add(Map<Double, Double> into, Map<Double, Double> more) {
    more.forEach((le, count) -> into.merge(le, count, Double::sum));
  }

  /**
   * The upper bound (seconds) of the bucket holding quantile {@code q} of cumulative buckets {@code
   * counts}; empty without a sample.
   */
  static OptionalDouble quantile(Map<Double, Double> counts, double q) {
    TreeMap<Double, Double> sorted = new TreeMap<>(counts);
    Double total = sorted.get(Double.POSITIVE_INFINITY);
    if (total == null || total <= 0) {
      return OptionalDouble.empty();
    }
    for (Map.Entry<Double, Double> bucket : sorted.entrySet()) {
      if (bucket.getValue() >= q * total) {
        return OptionalDouble.of(bucket.getKey());
      }
    }
    return OptionalDouble.of(Double.POSITIVE_INFINITY);
  }

  /** Samples in cumulative buckets {@code counts}. */
  static long count(Map<Double, Double> counts) {
    return Math.round(counts.getOrDefault(Double.POSITIVE_INFINITY, 0.0));
  }
}
