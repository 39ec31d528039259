package io.floe.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads typed values from a flat map of string properties ({@code s3.retry.max-attempts=5}), with
 * defaults, and fails with a message naming the key and the bad value.
 *
 * <p>Durations are written {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d} or
 * ISO-8601 ({@code PT2S}); sizes are bytes with an optional {@code KiB}, {@code MiB} or {@code GiB}
 * suffix.
 */
public final class ConfigReader {
  private final Map<String, String> properties;

  public ConfigReader(Map<String, String> properties) {
    this.properties = Map.copyOf(properties);
  }

  /** Reads a {@link Properties} file's worth of settings (string keys and values only). */
  public static ConfigReader of(Properties properties) {
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
    return new ConfigReader(map);
  }

  public Optional<String> string(String key) {
    String value = properties.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  public String required(String key) {
    return string(key).orElseThrow(() -> new IllegalArgumentException(key + " is required"));
  }

  public int integer(String key, int defaultValue) {
    return string(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
  }

  public long longValue(String key, long defaultValue) {
    return string(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
  }

  public double decimal(String key, double defaultValue) {
    return string(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
  }

  public boolean bool(String key, boolean defaultValue) {
    return string(key).map(v -> parse(key, v, ConfigReader::parseBoolean)).orElse(defaultValue);
  }

  public Duration duration(String key, Duration defaultValue) {
    return string(key).map(v -> parse(key, v, ConfigReader::parseDuration)).orElse(defaultValue);
  }

  public long size(String key, long defaultValue) {
    return string(key).map(v -> parse(key, v, ConfigReader::parseSize)).orElse(defaultValue);
  }

  private interface Parser<T> {
    T parse(String value);
  }

  private static <T> T parse(String key, String value, Parser<T> parser) {
    try {
      return parser.parse(value);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          key + " has an invalid value '" + value + "': " + e.getMessage(), e);
    }
  }

  private static boolean parseBoolean(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  /**
   * A duration written as this class reads them (the CLI's {@code --ttl 1d} too).
   *
   * @throws IllegalArgumentException (or its {@link DateTimeParseException}) when it is not one
   */
  public static Duration parseDuration(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      return Duration.parse(value);
    }
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
    }
    long amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("expected a unit: ms, s, m, h, d");
    };
  }

  static long parseSize(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("kib")) {
      unit = 1L << 10;
    } else if (v.endsWith("mib")) {
      unit = 1L << 20;
    } else if (v.endsWith("gib")) {
      unit = 1L << 30;
    }
    String digits = unit == 1 ? v : v.substring(0, v.length() - 3);
    return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
  }
}
