package io.floe.testsupport.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A data node as a separate JVM on the test's own class path, on a fixed free port: start, {@code
 * kill -9} ({@link #kill}) and start again on the same port with an empty memory, or freeze it with
 * {@code SIGSTOP} ({@link #pause}) and let it go on with {@code SIGCONT} ({@link #resume}): a
 * paused node keeps its sockets and its etcd lease but answers nothing, as one in a long GC pause
 * or on a stalled machine would. Output goes to a log file.
 */
public final class NodeProcess implements AutoCloseable {
  /**
   * The data node's entry point, named rather than referenced: test-support sits below the modules
   * whose tests start nodes, and the class comes from their class path.
   */
  public static final String MAIN_CLASS = "io.floe.dataplane.DataNode";

  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  /**
   * JVM options every process started here gets before its own, space-separated: the build sets
   * {@code -XX:TieredStopAtLevel=1} for tests, whose short-lived JVMs on two cores spend more CPU
   * compiling with C2 than they win from it. The chaos harness and benchmarks leave it unset.
   */
  public static final String COMMON_JVM_ARGS = "floe.process.jvm-args";

  private final String mainClass;
  private final String portSetting;
  private final Map<String, String> settings;
  private final List<String> jvmArgs;
  private final int port;
  private final Path log;
  private Process process;
  private boolean paused;

  public NodeProcess(Map<String, String> settings) {
    this(settings, List.of());
  }

  /**
   * @param jvmArgs JVM options after the default {@code -Xmx1g} (a later {@code -Xmx} wins), e.g.
   *     {@code -Dlogback.configurationFile=...}
   */
  public NodeProcess(Map<String, String> settings, List<String> jvmArgs) {
    this(MAIN_CLASS, "node.listen-port", settings, jvmArgs);
  }

  /**
   * Another Floe process taking {@code --key=value} settings (a control plane: {@code
   * io.floe.controlplane.ControlPlaneApp} with {@code micronaut.server.port}).
   *
   * @param portSetting the setting that names the port it listens on
   */
  public NodeProcess(
      String mainClass, String portSetting, Map<String, String> settings, List<String> jvmArgs) {
    this.mainClass = mainClass;
    this.portSetting = portSetting;
    this.settings = settings;
    this.jvmArgs = List.copyOf(jvmArgs);
    this.port = freePort();
    try {
      this.log = Files.createTempFile("floe-node-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's data port: the same across every start, so it is known before the first. */
  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** Starts the process (again, after {@link #kill}) and waits until its port accepts. */
  public NodeProcess start() {
    if (isAlive()) {
      throw new IllegalStateException("node process " + pid() + " is already running");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : System.getProperty(COMMON_JVM_ARGS, "").trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        cmd.add(arg);
      }
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.add("--" + portSetting + "=" + port);
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
    paused = false;
    // A JVM (a control plane's Micronaut above all) can take over 30 s to listen on two cores that
    // a fault run keeps busy: the chaos harness saw it. A start that never comes is still caught.
    await()
        .atMost(START_LIMIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !process.isAlive() || accepts());
    if (!process.isAlive()) {
      throw new IllegalStateException("node process exited; see " + log);
    }
    return this;
  }

  /** The running (or last) process's id. */
  public long pid() {
    if (process == null) {
      throw new IllegalStateException("node process not started");
    }
    return process.pid();
  }

  /** True while the process exists, paused or not. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public boolean isPaused() {
    return paused;
  }

  /**
   * {@code SIGSTOP}: every thread of the node stops until {@link #resume}; returns once stopped.
   */
  public void pause() {
    signal("STOP");
    paused = true;
    awaitStopped(true);
  }

  /** {@code SIGCONT}: a paused node goes on where it stopped. */
  public void resume() {
    signal("CONT");
    paused = false;
    awaitStopped(false);
  }

  /** {@code kill -9}: no shutdown hook runs, nothing is flushed (a paused process dies too). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
    paused = false;
  }

  private void signal(String name) {
    if (!isAlive()) {
      throw new IllegalStateException("node process is not running: cannot send SIG" + name);
    }
    String pid = Long.toString(pid());
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, pid).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + output.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name + " to " + pid, e);
    }
  }

  /**
   * Waits until the kernel reports the process stopped (or running again): a signal is delivered
   * asynchronously. Linux only ({@code /proc}); elsewhere it returns at once.
   */
  private void awaitStopped(boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(pid()), "stat");
    if (!Files.exists(stat)) {
      return;
    }
    await()
        .atMost(SIGNAL_TIMEOUT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !process.isAlive() || isStopped(stat) == stopped);
  }

  /** State {@code T} in {@code /proc/<pid>/stat}: stopped by a signal. */
  private static boolean isStopped(Path stat) {
    try {
      String text = Files.readString(stat);
      // The command name is in parentheses and may hold spaces; the state follows it.
      return text.charAt(text.lastIndexOf(')') + 2) == 'T';
    } catch (IOException e) {
      return false; // the process is gone
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A loopback port free now (for a setting a process listens on besides its main port). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the process, resuming it first when paused. */
  @Override
  public void close() throws InterruptedException {
    if (isAlive()) {
      if (paused) {
        resume();
      }
      kill();
    }
    // the log stays in the temporary directory: it is what explains a failed run
  }
}
