package io.floe.testsupport.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code etcd} server process on loopback ports, for tests and for the local cluster.
 *
 * <p>The binary is the one on {@code PATH} (Debian's {@code etcd-server}) or the one named by the
 * {@code FLOE_ETCD_BIN} environment variable. {@link #kill()} and {@link #restart()} keep the ports
 * and the data directory, so a restarted member comes back with its data, as a crashed server
 * would. The process's output goes to {@link #logFile()}; failures quote its tail.
 */
public final class EtcdProcess implements AutoCloseable {
  /**
   * A restarted member replays its raft log since its last snapshot (up to 100,000 entries by
   * etcd's default) before it answers: after an hour of a busy cluster that took 13 s on two loaded
   * cores, and 20 s was once not enough.
   */
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final EtcdOptions options;
  private final Path dataDir;
  private final Path logFile;
  private final Path tempRoot;
  private Process process;

  private EtcdProcess(EtcdOptions options, Path dataDir, Path logFile, Path tempRoot) {
    this.options = options;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.tempRoot = tempRoot;
  }

  /** Starts a single-member etcd on free loopback ports with a temporary data directory. */
  public static EtcdProcess start() {
    return onFreePorts(() -> start(EtcdOptions.single()));
  }

  /** Starts a member as described by {@code options} and waits until it answers /health. */
  public static EtcdProcess start(EtcdOptions options) {
    EtcdProcess etcd = launch(options);
    try {
      etcd.awaitHealthy();
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
    return etcd;
  }

  /**
   * Runs {@code start} (which picks free ports) again when a member found a port taken. The ports
   * are free when picked but not held: an outgoing connection of another process can take one
   * before the member binds it, as both come from the kernel's ephemeral range.
   */
  static <T> T onFreePorts(java.util.function.Supplier<T> start) {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.get();
      } catch (IllegalStateException e) {
        if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
          throw e;
        }
      }
    }
  }

  /** Starts the process without waiting for health (members of a new cluster wait for quorum). */
  static EtcdProcess launch(EtcdOptions options) {
    EtcdProcess etcd;
    if (options.dataDir() == null) {
      Path root = TempDirs.create("floe-etcd-" + options.name());
      etcd = new EtcdProcess(options, root.resolve("data"), root.resolve("etcd.log"), root);
    } else {
      Path dir = options.dataDir().toAbsolutePath();
      etcd = new EtcdProcess(options, dir, dir.resolveSibling(options.name() + "-etcd.log"), null);
    }
    etcd.spawn();
    return etcd;
  }

  /** The client URL, e.g. {@code http://127.0.0.1:41234}. */
  public String clientEndpoint() {
    return "http://127.0.0.1:" + options.clientPort();
  }

  /** The client URLs of this member, as a list (the shape clients take). */
  public List<String> clientEndpoints() {
    return List.of(clientEndpoint());
  }

  public String name() {
    return options.name();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the member gracefully (SIGTERM), killing it if it does not exit in time. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    awaitExit(STOP_TIMEOUT);
  }

  /** Kills the member at once (SIGKILL), as a crash would. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(STOP_TIMEOUT);
  }

  /** Starts the member again on the same ports and data directory and waits for /health. */
  public void restart() {
    synchronized (this) {
      if (isRunning()) {
        stop();
      }
      spawn();
    }
    awaitHealthy();
  }

  /** Waits (bounded) until the member answers {@code /health} with {@code "health":"true"}. */
  public void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(clientEndpoint() + "/health"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isRunning()) {
        throw failure("etcd exited before it became healthy");
      }
      if (healthy(http, request)) {
        return;
      }
      pause(Duration.ofMillis(100));
    }
    throw failure("etcd did not answer /health within " + HEALTH_TIMEOUT);
  }

  /** Stops the member and deletes its temporary data directory (a given one is kept). */
  @Override
  public void close() {
    kill();
    if (tempRoot != null) {
      TempDirs.delete(tempRoot);
    }
  }

  /** The last lines of the process's log, for failure messages. */
  public String logTail() {
    try {
      if (!Files.exists(logFile)) {
        return "(no log)";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private synchronized void spawn() {
    List<String> command = new ArrayList<>();
    command.add(EtcdBinary.locate().toString());
    command.addAll(options.arguments(dataDir));
    try {
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    ProcessReaper.register(process);
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping etcd " + name(), e);
    }
  }

  private static boolean healthy(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException(
        what
            + " (member "
            + name()
            + ", "
            + clientEndpoint()
            + "); log "
            + logFile
            + ":\n"
            + logTail());
  }
}
