package io.floe.controlplane.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.storage.cluster.NodeRegistration;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The failure detector on a clock the test moves; pings answer unless the node is "down". */
class NodeMonitorTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Set<String> down = new HashSet<>();
  private final Set<String> refusing = new HashSet<>();
  private final NodeMonitor monitor =
      new NodeMonitor(
          endpoint -> {
            if (down.contains(endpoint)) {
              throw new IllegalStateException("connection refused");
            }
            if (refusing.contains(endpoint)) {
              throw new IllegalStateException(
                  "cannot connect to " + endpoint,
                  new java.net.ConnectException("finishConnect(..) failed: Connection refused"));
            }
          },
          Runnable::run,
          nanos::get,
          Duration.ofMillis(1000));

  private static NodeRegistration node(String id, long incarnation) {
    return new NodeRegistration(id, id + ":1", incarnation, 1 << 30, 0);
  }

  private void advance(long ms) {
    nanos.addAndGet(ms * 1_000_000);
  }

  @Test
  void aNodeWhosePortRefusesConnectionsIsDeadAfterAQuarterOfTheTimeout() {
    Map<String, NodeRegistration> nodes =
        Map.of("a", node("a", 1), "b", node("b", 1), "c", node("c", 1));
    assertThat(monitor.tick(nodes)).isEmpty();
    refusing.add("a:1"); // its process is gone: the kernel refuses
    down.add("b:1"); // silent: maybe paused, maybe cut off
    advance(100);
    assertThat(monitor.tick(nodes)).isEmpty(); // first refusal seen now
    advance(200);
    assertThat(monitor.tick(nodes)).isEmpty(); // 200 ms < 250 ms
    advance(100);
    assertThat(monitor.tick(nodes))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.alive()).isFalse();
              assertThat(c.why()).contains("refused connections for 300 ms");
            });
    assertThat(monitor.alive("b")).as("silence waits for the whole timeout").isTrue();
    advance(700);
    assertThat(monitor.tick(nodes)).extracting(NodeMonitor.Change::node).containsExactly("b");
  }

  @Test
  void aRefusalThenAnAnswerStartsTheCountAgain() {
    Map<String, NodeRegistration> nodes = Map.of("a", node("a", 1), "b", node("b", 1));
    monitor.tick(nodes);
    refusing.add("a:1");
    advance(100);
    monitor.tick(nodes);
    refusing.clear(); // it was restarting its listener, say: it answers
    advance(200);
    monitor.tick(nodes);
    refusing.add("a:1");
    advance(200);
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.alive("a")).isTrue();
  }

  @Test
  void aNodeThatStopsAnsweringIsDeadAfterTheTimeoutAndAliveWhenItAnswersAgain() {
    Map<String, NodeRegistration> nodes = Map.of("a", node("a", 1), "b", node("b", 1));
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.alive("a")).isTrue();
    down.add("a:1");
    advance(900);
    assertThat(monitor.tick(nodes)).isEmpty(); // not yet: 900 ms < 1 s
    advance(200);
    List<NodeMonitor.Change> changes = monitor.tick(nodes);
    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.alive()).isFalse();
              assertThat(c.why()).contains("no answer").contains("connection refused");
            });
    assertThat(monitor.alive("a")).isFalse();
    assertThat(monitor.alive("b")).isTrue();
    assertThat(monitor.tick(nodes)).isEmpty(); // said once

    down.clear();
    advance(100);
    monitor.tick(nodes); // this tick's ping answers
    advance(100);
    assertThat(monitor.tick(nodes)).singleElement().satisfies(c -> assertThat(c.alive()).isTrue());
    assertThat(monitor.alive("a")).isTrue();
  }

  @Test
  void aLostRegistrationIsDeathAtOnce() {
    monitor.tick(Map.of("a", node("a", 1), "b", node("b", 1)));
    List<NodeMonitor.Change> changes = monitor.tick(Map.of("b", node("b", 1)));
    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.why()).contains("registration");
            });
  }

  @Test
  void aRestartBetweenTwoHeartbeatsIsADeathAndThenAReturn() {
    monitor.tick(Map.of("a", node("a", 1)));
    advance(100);
    List<NodeMonitor.Change> changes = monitor.tick(Map.of("a", node("a", 2)));
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).alive()).isFalse();
    assertThat(changes.get(0).why()).contains("restarted");
    advance(100);
    assertThat(monitor.tick(Map.of("a", node("a", 2))))
        .singleElement()
        .satisfies(c -> assertThat(c.alive()).isTrue());
  }

  @Test
  void aNewLeadershipStartsWithEveryRegisteredNodeAlive() {
    monitor.tick(Map.of("a", node("a", 1)));
    down.add("a:1");
    advance(5000);
    assertThat(monitor.tick(Map.of("a", node("a", 1)))).hasSize(1);
    monitor.reset();
    assertThat(monitor.tick(Map.of("a", node("a", 1)))).isEmpty();
    assertThat(monitor.alive("a")).isTrue();
  }

  @Test
  void mostNodesSilentAtOnceIsSuspectedToBeTheMonitorsOwnStallNotADeath() {
    Map<String, NodeRegistration> nodes =
        Map.of("a", node("a", 1), "b", node("b", 1), "c", node("c", 1));
    monitor.tick(nodes);
    down.add("a:1");
    down.add("b:1");
    advance(1500);
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.selfSuspected()).isTrue();
    assertThat(monitor.alive("a")).isTrue();
    // One node silent alone is a death as before.
    down.remove("b:1");
    monitor.tick(nodes); // b answers
    advance(100);
    assertThat(monitor.tick(nodes))
        .singleElement()
        .satisfies(c -> assertThat(c.node()).isEqualTo("a"));
    assertThat(monitor.selfSuspected()).isFalse();
    // A registration that is gone is a death whatever the others do.
    assertThat(monitor.tick(Map.of("a", node("a", 1), "c", node("c", 1))))
        .extracting(NodeMonitor.Change::node)
        .containsExactly("b");
  }
}
