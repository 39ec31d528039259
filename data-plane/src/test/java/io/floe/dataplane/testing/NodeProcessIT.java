package io.floe.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.testsupport.process.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What fault tests rely on in {@link NodeProcess}: a paused node answers nothing yet keeps its
 * connections, and answers what it was sent once resumed; a paused node is still killed by close; a
 * killed node starts again on its port; extra JVM options reach the process.
 */
@Timeout(120)
class NodeProcessIT {
  private static final Map<String, String> SETTINGS = Map.of("node.id", "n1");
  private static final String MARKER = "-Dfloe.test.marker=node-process-it";

  @Test
  void aPausedNodeAnswersNoPingUntilResumed() throws Exception {
    try (NodeProcess node = new NodeProcess(SETTINGS, List.of("-Xmx256m", MARKER)).start()) {
      long pid = node.pid();
      assertThat(commandLine(pid)).contains("-Xmx256m", MARKER);
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 4)) {
        assertThat(c.call(new Request.Ping())).isInstanceOf(Response.Ack.class);

        node.pause();
        assertThat(node.isAlive()).isTrue();
        assertThat(node.isPaused()).isTrue();
        CompletableFuture<Response> held = c.send(new Request.Ping());
        c.flush();
        assertThatThrownBy(() -> held.get(500, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);

        node.resume();
        assertThat(node.isPaused()).isFalse();
        assertThat(held.get(10, TimeUnit.SECONDS)).isInstanceOf(Response.Ack.class);
        assertThat(c.call(new Request.Ping())).isInstanceOf(Response.Ack.class);
      }
      assertThat(node.pid()).isEqualTo(pid);
    }
  }

  /** The process's arguments as the kernel has them (ProcessHandle's are empty past a length). */
  private static List<String> commandLine(long pid) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
  }

  @Test
  void aConnectionOpenedWhilePausedIsAnsweredAfterResume() throws Exception {
    try (NodeProcess node = new NodeProcess(SETTINGS).start()) {
      node.pause();
      // The kernel completes the handshake from the listen backlog; the node reads nothing.
      try (PipelinedConnection c = new PipelinedConnection(node.port(), 4)) {
        CompletableFuture<Response> held = c.send(new Request.Ping());
        c.flush();
        assertThatThrownBy(() -> held.get(500, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);

        node.resume();
        assertThat(held.get(10, TimeUnit.SECONDS)).isInstanceOf(Response.Ack.class);
      }
    }
  }

  @Test
  void closeKillsAPausedNodeAndAKilledNodeStartsAgainOnItsPort() throws Exception {
    NodeProcess node = new NodeProcess(SETTINGS).start();
    int port = node.port();
    ProcessHandle first = ProcessHandle.of(node.pid()).orElseThrow();
    node.pause();

    node.close();

    assertThat(node.isAlive()).isFalse();
    assertThat(first.isAlive()).isFalse();
    try {
      node.start();
      assertThat(node.port()).isEqualTo(port);
      assertThat(node.pid()).isNotEqualTo(first.pid());
      try (PipelinedConnection c = new PipelinedConnection(port, 4)) {
        assertThat(c.call(new Request.Ping())).isInstanceOf(Response.Ack.class);
      }
      assertThatThrownBy(node::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already running");
    } finally {
      node.close();
    }
  }
}
