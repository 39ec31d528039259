package io.floe.cli.ns;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --wait} and its deadline, on every command that starts operations. */
public final class WaitOptions {
  /** Long enough for a migration of a large partition; an operation goes on after a timeout. */
  public static final String WAIT_TIMEOUT_DEFAULT = "30m";

  @Option(
      names = "--wait",
      description = "Wait until the operation ends; exit 4 unless it is done.")
  boolean wait;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = WAIT_TIMEOUT_DEFAULT,
      description = "Give up waiting after this long (default ${DEFAULT-VALUE}): exit 4.")
  Duration timeout;
}
