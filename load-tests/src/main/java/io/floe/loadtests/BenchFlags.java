package io.floe.loadtests;

import java.util.HashMap;
import java.util.Map;

/**
 * The command-line flags of the benchmark harnesses: {@code --name value} or {@code --name=value}.
 */
public final class BenchFlags {
  private BenchFlags() {}

  public static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --flag, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        flags.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        flags.put(arg.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("flag " + arg + " needs a value");
      }
    }
    return flags;
  }
}
