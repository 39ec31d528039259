package io.floe.cli;

import io.floe.core.config.ConfigReader;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.TypeConversionException;

/**
 * Values typed on the command line that picocli does not read by itself, with errors that say what
 * was expected.
 */
public final class Arguments {
  private Arguments() {}

  /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 1d} or ISO-8601 ({@code PT1H}). */
  public static Duration duration(String text) {
    try {
      Duration duration = ConfigReader.parseDuration(text.trim());
      if (duration.isNegative()) {
        throw new TypeConversionException("'" + text + "' is negative");
      }
      return duration;
    } catch (IllegalArgumentException
        | DateTimeParseException
        | StringIndexOutOfBoundsException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration (250ms, 30s, 5m, 12h, 1d or ISO-8601 like PT1H)");
    }
  }

  /**
   * OpenMLDB's partition group: {@code 3}, {@code 1,3,5}, {@code 2-5}, or a mix ({@code 0,4-6}), in
   * the order given, each partition once.
   */
  public static List<Integer> pids(String text) {
    List<Integer> pids = new ArrayList<>();
    for (String part : text.split(",")) {
      String range = part.trim();
      int dash = range.indexOf('-', 1);
      int first = pid(dash < 0 ? range : range.substring(0, dash), text);
      int last = dash < 0 ? first : pid(range.substring(dash + 1), text);
      if (last < first) {
        throw new TypeConversionException(
            "'" + range + "' in '" + text + "' is an empty range: write low-high");
      }
      for (int pid = first; pid <= last; pid++) {
        if (!pids.contains(pid)) {
          pids.add(pid);
        }
      }
    }
    return pids;
  }

  /** A partition id: a non-negative integer. */
  public static int pid(String text, String whole) {
    try {
      int pid = Integer.parseInt(text.trim());
      if (pid >= 0) {
        return pid;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new TypeConversionException(
        "'" + whole + "' is not a partition id or group (3, 1,3,5 or 2-5)");
  }

  /** OpenMLDB's {@code yes} / {@code no}. */
  public static boolean yesNo(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new TypeConversionException("'" + text + "' must be yes or no");
    };
  }

  /** A duration as people write it: {@code 1d}, {@code 12h}, {@code 90s}, {@code 250ms}. */
  public static String format(long millis) {
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis >= units[i] && millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + "ms";
  }
}
