package io.floe.loadtests.ycsb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts each YCSB phase in a JVM of its own (YCSB's client exits its JVM when done), with the
 * store's classpath ({@link YcsbStore#classpath}) and this process's logging configuration, and
 * returns what it printed on stdout; its stderr (YCSB's progress, the bindings' first errors) goes
 * to a log file beside the others.
 */
final class YcsbLauncher {
  private final List<String> jvmOptions;
  private final Path logDir;
  private int launched;

  YcsbLauncher(List<String> jvmOptions, Path logDir) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logDir = logDir;
  }

  String run(YcsbStore store, String label, String mainClass, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.add("-cp");
    command.add(store.classpath(System.getProperty("java.class.path")));
    command.add(mainClass);
    command.addAll(args);
    Path stderr = logDir.resolve(String.format("%03d-%s.log", ++launched, label));
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
            .start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException(
          label + " exited with " + exit + "; its stderr (" + stderr + ") ends:\n" + tail(stderr));
    }
    return stdout;
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
