package io.floe.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs {@code floe} in this JVM with given surroundings, capturing what it prints. */
final class CliRun {
  /** What one run printed and its exit code. */
  record Result(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private final Path home;
  private Map<String, String> variables = Map.of();
  private String stdin = "";

  CliRun(Path home) {
    this.home = home;
  }

  CliRun env(Map<String, String> vars) {
    this.variables = vars;
    return this;
  }

  CliRun stdin(String text) {
    this.stdin = text;
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment environment =
        new CliEnvironment(
            variables, home, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    int code = Floe.run(args, environment, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }
}
