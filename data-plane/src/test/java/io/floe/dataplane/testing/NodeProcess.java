package io.floe.dataplane.testing;

import static org.awaitility.Awaitility.await;

import io.floe.dataplane.DataNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A data node as a separate JVM on the test's own class path, on a fixed free port: start, {@code
 * kill -9} ({@link #kill}) and start again with an empty memory. Output goes to a log file.
 */
public final class NodeProcess implements AutoCloseable {
  private final Map<String, String> settings;
  private final int port;
  private final Path log;
  private Process process;

  public NodeProcess(Map<String, String> settings) {
    this.settings = settings;
    this.port = freePort();
    try {
      this.log = Files.createTempFile("floe-node-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  public NodeProcess start() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DataNode.class.getName());
    cmd.add("--node.listen-port=" + port);
    settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a node process", e);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !process.isAlive() || accepts());
    if (!process.isAlive()) {
      throw new IllegalStateException("node process exited; see " + log);
    }
    return this;
  }

  /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private boolean accepts() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
    // the log stays in the temporary directory: it is what explains a failed run
  }
}
