package io.floe.storage.meta;

import io.floe.core.config.ConfigReader;
import io.floe.core.retry.ResilienceSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How to reach etcd and how hard to retry it. Built from flat settings ({@link #fromMap}) whose
 * keys and defaults are the constants below; durations are written {@code 2s}, {@code 500ms} or
 * ISO-8601 ({@code PT2S}).
 */
public record MetaStoreConfig(
    List<String> endpoints,
    Duration connectTimeout,
    Duration callTimeout,
    String namespace,
    Duration leaseSafetyMargin,
    ResilienceSettings retry) {

  /** Comma-separated client URLs. */
  public static final String ENDPOINTS = "etcd.endpoints";

  public static final String ENDPOINTS_DEFAULT = "http://127.0.0.1:2379";

  public static final String CONNECT_TIMEOUT = "etcd.connect-timeout";
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(2);

  /** Deadline of every single call; past it the call fails as unavailable. */
  public static final String CALL_TIMEOUT = "etcd.call-timeout";

  public static final Duration CALL_TIMEOUT_DEFAULT = Duration.ofSeconds(3);

  /** Optional prefix etcd adds to every key (to share one etcd between isolated users). */
  public static final String NAMESPACE = "etcd.namespace";

  public static final String NAMESPACE_DEFAULT = "";

  /**
   * No longer a setting: a lease's TTL belongs to its holder (a data node's is {@code
   * node.lease-ttl}). Refused with a message naming the key to use, so it never silently does
   * nothing.
   */
  static final String REMOVED_LEASE_TTL = "etcd.lease-ttl";

  /**
   * Scope of the retry policy of idempotent etcd calls (reads, puts, deletes, lease grants and
   * revocations), read as {@code etcd.retry.max-attempts}, {@code etcd.retry.initial-backoff}, …
   * ({@link ResilienceSettings}; etcd calls have no circuit breaker). Transactions are never
   * retried (their outcome may be unknown); lease keep-alives keep their own schedule.
   */
  public static final String RETRY_SCOPE = "etcd";

  /** Three attempts, each bounded by the call timeout, 100 ms to 2 s apart. */
  public static final ResilienceSettings RETRY_DEFAULT =
      ResilienceSettings.defaults()
          .withAttempts(3, ResilienceSettings.OPEN_DURATION_DEFAULT)
          .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  /**
   * How long before the server could expire a lease its holder gives it up. Capped at half the TTL.
   */
  public static final String LEASE_SAFETY_MARGIN = "etcd.lease-safety-margin";

  public static final Duration LEASE_SAFETY_MARGIN_DEFAULT = Duration.ofSeconds(2);

  public MetaStoreConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException(ENDPOINTS + " must name at least one etcd endpoint");
    }
    positive(CONNECT_TIMEOUT, connectTimeout);
    positive(CALL_TIMEOUT, callTimeout);
    if (leaseSafetyMargin.isNegative()) {
      throw new IllegalArgumentException(LEASE_SAFETY_MARGIN + " must not be negative");
    }
  }

  /** Defaults with the given endpoints. */
  public static MetaStoreConfig of(List<String> endpoints) {
    return fromMap(Map.of(ENDPOINTS, String.join(",", endpoints)));
  }

  public static MetaStoreConfig fromMap(Map<String, String> settings) {
    if (settings.containsKey(REMOVED_LEASE_TTL)) {
      throw new IllegalArgumentException(
          REMOVED_LEASE_TTL
              + " is not a setting (it never took effect): set the node's lease TTL with"
              + " node.lease-ttl");
    }
    return new MetaStoreConfig(
        Arrays.stream(settings.getOrDefault(ENDPOINTS, ENDPOINTS_DEFAULT).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toList()),
        duration(settings, CONNECT_TIMEOUT, CONNECT_TIMEOUT_DEFAULT),
        duration(settings, CALL_TIMEOUT, CALL_TIMEOUT_DEFAULT),
        settings.getOrDefault(NAMESPACE, NAMESPACE_DEFAULT),
        duration(settings, LEASE_SAFETY_MARGIN, LEASE_SAFETY_MARGIN_DEFAULT),
        ResilienceSettings.fromProperties(new ConfigReader(settings), RETRY_SCOPE, RETRY_DEFAULT));
  }

  public MetaStoreConfig withCallTimeout(Duration timeout) {
    return new MetaStoreConfig(
        endpoints, connectTimeout, timeout, namespace, leaseSafetyMargin, retry);
  }

  public MetaStoreConfig withLeaseSafetyMargin(Duration margin) {
    return new MetaStoreConfig(endpoints, connectTimeout, callTimeout, namespace, margin, retry);
  }

  public MetaStoreConfig withNamespace(String ns) {
    return new MetaStoreConfig(
        endpoints, connectTimeout, callTimeout, ns, leaseSafetyMargin, retry);
  }

  /** The margin actually used for a lease of {@code ttl}: at most half of it. */
  public Duration safetyMarginFor(Duration ttl) {
    Duration half = ttl.dividedBy(2);
    return leaseSafetyMargin.compareTo(half) > 0 ? half : leaseSafetyMargin;
  }

  /** Parses a duration setting as this class does ({@code 2s}, {@code 500ms}, {@code 1m}, ISO). */
  public static Duration parseDurationSetting(String key, String text) {
    return parseDuration(key, text);
  }

  static Duration parseDuration(String key, String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("pt")) {
        return Duration.parse(s);
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        key + " must be a duration such as 2s, 500ms, 1m or PT2S, not '" + text + "'");
  }

  private static Duration duration(Map<String, String> settings, String key, Duration fallback) {
    String text = settings.get(key);
    return text == null ? fallback : parseDuration(key, text);
  }

  private static void positive(String key, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(key + " must be a positive duration, not " + value);
    }
  }
}
