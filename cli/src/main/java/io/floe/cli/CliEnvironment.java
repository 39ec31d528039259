package io.floe.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the command line reads from its surroundings, held apart so that tests give their own:
 * environment variables ({@code FLOE_ENDPOINT}, {@code FLOE_TOKEN}), the home folder (for {@code
 * ~/.floe/config}) and standard input (the {@code ns} prompt).
 */
public record CliEnvironment(Map<String, String> variables, Path home, InputStream stdin) {
  public CliEnvironment {
    variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(stdin, "stdin");
  }

  /** This process's environment, home and standard input. */
  public static CliEnvironment system() {
    return new CliEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), System.in);
  }

  /** The variable's value, or null when unset or blank. */
  public String variable(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
