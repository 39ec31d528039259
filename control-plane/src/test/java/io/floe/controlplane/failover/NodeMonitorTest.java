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
  private final AtomicLong wakes = new AtomicLong();
  private final AtomicLong pings = new AtomicLong();
  private final Map<String, java.util.Deque<String>> pingScript = new java.util.HashMap<>();
  private final NodeMonitor monitor =
      new NodeMonitor(
          endpoint -> {
            pings.incrementAndGet();
            java.util.Deque<String> script = pingScript.get(endpoint);
            String next = script == null ? null : script.poll();
            if ("closed".equals(next)) {
              throw new IllegalStateException("the connection to " + endpoint + " was closed");
            }
            if ("refused".equals(next)) {
              throw new IllegalStateException(
                  "cannot connect to " + endpoint,
                  new java.net.ConnectException("finishConnect(..) failed: Connection refused"));
            }
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
          Duration.ofMillis(1000),
          wakes::incrementAndGet);

  private static NodeRegistration node(String id, long incarnation) {
    return new NodeRegistration(id, id + ":1", incarnation, 1 << 30, 0);
  }

  private void advance(long ms) {
    nanos.addAndGet(ms * 1_000_000);
  }

  @Test
  void aNodeWhosePortRefusesTwiceIsDeadAtTheNextTickAndTheTickIsAskedForAtOnce() {
    Map<String, NodeRegistration> nodes =
        Map.of("a", node("a", 1), "b", node("b", 1), "c", node("c", 1));
    assertThat(monitor.tick(nodes)).isEmpty();
    refusing.add("a:1"); // its process is gone: the kernel refuses
    down.add("b:1"); // silent: maybe paused, maybe cut off
    advance(100);
    assertThat(monitor.tick(nodes)).isEmpty(); // the ping is refused twice, 50 ms apart
    assertThat(wakes.get()).as("the refusals ask for a tick at once").isEqualTo(1);
    assertThat(monitor.tick(nodes))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.alive()).isFalse();
              assertThat(c.why()).contains("refused two connections 50 ms apart");
            });
    assertThat(monitor.alive("b")).as("silence waits for the whole timeout").isTrue();
    advance(1000);
    assertThat(monitor.tick(nodes)).as("1000 ms since the first ping it left unanswered").isEmpty();
    advance(100);
    assertThat(monitor.tick(nodes)).extracting(NodeMonitor.Change::node).containsExactly("b");
    assertThat(wakes.get()).as("silence asks for nothing").isEqualTo(1);
  }

  @Test
  void aClosedConnectionIsPingedAgainAtOnceAndARefusalThenAnAnswerIsNoDeath() {
    Map<String, NodeRegistration> nodes = Map.of("a", node("a", 1), "b", node("b", 1));
    monitor.tick(nodes);
    // The connection is closed under the first ping; the second, on a fresh connection, answers.
    pingScript.put("a:1", new java.util.ArrayDeque<>(List.of("closed")));
    pings.set(0);
    advance(100);
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(pings.get()).as("a twice, b once").isEqualTo(3);
    // Refused once, then it answers (a listener being re-bound, say): alive, no wake.
    pingScript.put("a:1", new java.util.ArrayDeque<>(List.of("refused")));
    advance(100);
    assertThat(monitor.tick(nodes)).isEmpty();
    advance(100);
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.alive("a")).isTrue();
    assertThat(wakes.get()).isZero();
  }

  @Test
  void aNodeThatStopsAnsweringIsDeadAfterTheTimeoutAndAliveWhenItAnswersAgain() {
    Map<String, NodeRegistration> nodes = Map.of("a", node("a", 1), "b", node("b", 1));
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.alive("a")).isTrue();
    down.add("a:1");
    advance(200);
    assertThat(monitor.tick(nodes)).isEmpty(); // this tick's ping goes unanswered
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
              assertThat(c.why())
                  .contains("no answer to heartbeats for 1100 ms (last answer 1300 ms ago)")
                  .contains("connection refused");
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
  void aLostRegistrationOfANodeWhosePortRefusesIsADeathAtOnce() {
    monitor.tick(Map.of("a", node("a", 1), "b", node("b", 1)));
    refusing.add("a:1"); // it deregistered and its process ended
    advance(100);
    assertThat(monitor.tick(Map.of("b", node("b", 1))))
        .as("the registration went; the ping after it is refused twice")
        .isEmpty();
    assertThat(wakes.get()).as("the refusals ask for a tick at once").isEqualTo(1);
    assertThat(monitor.tick(Map.of("b", node("b", 1))))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.alive()).isFalse();
              assertThat(c.why()).contains("registration is gone").contains("refuses");
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
    advance(200);
    monitor.tick(Map.of("a", node("a", 1)));
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
    advance(200);
    monitor.tick(nodes); // asked, unanswered
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
    // A registration gone while its node is silent is a death whatever the others do.
    down.add("b:1");
    advance(200);
    assertThat(monitor.tick(nodes)).isEmpty();
    advance(1100);
    assertThat(monitor.tick(Map.of("a", node("a", 1), "c", node("c", 1))))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("b");
              assertThat(c.why()).contains("registration is gone").contains("does not answer");
            });
  }

  @Test
  void aNodeThatAnswersWhileItsRegistrationIsGoneHasAGraceToRegisterAgainThenIsDead() {
    Map<String, NodeRegistration> both = Map.of("a", node("a", 1), "b", node("b", 1));
    Map<String, NodeRegistration> onlyB = Map.of("b", node("b", 1));
    assertThat(monitor.tick(both)).isEmpty();
    // a lost its etcd lease (an etcd member restarted under it) and registers again; it answers
    // pings all along, and keeps its memory: not a death, so its leaderships stay on it.
    for (int i = 0; i < 10; i++) {
      advance(200);
      assertThat(monitor.tick(onlyB)).as("2 s without a registration, answering").isEmpty();
    }
    assertThat(monitor.alive("a")).isTrue();
    advance(200);
    assertThat(monitor.tick(both)).as("registered again, same incarnation").isEmpty();
    assertThat(monitor.alive("a")).isTrue();

    // Gone again, and this time it never comes back (cut off from etcd alone): the grace counts
    // from the new loss, not the first one.
    advance(200);
    assertThat(monitor.tick(onlyB)).isEmpty();
    long ticks = 0;
    List<NodeMonitor.Change> changes = List.of();
    while (changes.isEmpty() && ticks < 100) {
      advance(200);
      ticks++;
      changes = monitor.tick(onlyB);
    }
    assertThat(ticks * 200)
        .as("declared dead once the grace (3 × dead-after) ran out")
        .isBetween(3000L, 3400L);
    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.alive()).isFalse();
              assertThat(c.why()).contains("did not register again").contains("answers");
            });
    advance(200);
    assertThat(monitor.tick(both)).as("registered again: pinged").isEmpty();
    advance(200);
    assertThat(monitor.tick(both))
        .as("it answered: alive again (its followers are re-added)")
        .singleElement()
        .satisfies(c -> assertThat(c.alive()).isTrue());
  }

  /**
   * The long run's segment 1 failure: the heartbeat spent seconds writing operations to a slow
   * etcd, sent no ping meanwhile, and then took a node whose last answer was 1,008 ms old for dead
   * (the others' were a few milliseconds younger), and fenced its partitions under a starved
   * control plane. A node is silent only when it was asked and did not answer.
   */
  @Test
  void aNodeNotAskedWhileTheHeartbeatWasBusyIsNotSilent() {
    Map<String, NodeRegistration> nodes =
        Map.of("a", node("a", 1), "b", node("b", 1), "c", node("c", 1));
    assertThat(monitor.tick(nodes)).isEmpty();
    advance(2500); // no tick: the heartbeat was busy
    assertThat(monitor.tick(nodes)).isEmpty();
    assertThat(monitor.selfSuspected()).as("nobody was asked: nobody was silent").isFalse();
    assertThat(monitor.aliveNodes()).containsExactlyInAnyOrder("a", "b", "c");

    // a, asked once after the pause and silent since, is dead a full timeout after that ping.
    down.add("a:1");
    advance(200);
    assertThat(monitor.tick(nodes)).isEmpty();
    advance(3000); // busy again: a's one unanswered ping is 3 s old
    assertThat(monitor.tick(nodes))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("a");
              assertThat(c.why()).contains("no answer to heartbeats for 3000 ms");
            });
    assertThat(monitor.aliveNodes()).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void pingsBetweenTicksMeasureSilenceWhileTheHeartbeatIsBusyAndSkipNodesGoneForGood() {
    Map<String, NodeRegistration> nodes =
        Map.of("a", node("a", 1), "b", node("b", 1), "c", node("c", 1));
    monitor.tick(nodes);
    down.add("a:1");
    advance(200);
    monitor.pingWatched(); // the heartbeat is busy; the pinger asks
    advance(1100);
    monitor.pingWatched();
    assertThat(monitor.tick(nodes))
        .as("dead at the first tick after its silence passed 1 s, though no tick asked it")
        .singleElement()
        .satisfies(c -> assertThat(c.why()).contains("no answer to heartbeats for 1100 ms"));

    // a, dead, is deregistered: the pinger stops asking it; b and c are still asked.
    Map<String, NodeRegistration> bc = Map.of("b", node("b", 1), "c", node("c", 1));
    advance(200);
    monitor.tick(bc);
    pings.set(0);
    monitor.pingWatched();
    assertThat(pings.get()).isEqualTo(2);
  }
}
