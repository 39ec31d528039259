package io.floe.controlplane.ops;

import io.floe.client.NodeAdmin;
import io.floe.controlplane.cluster.Assignments;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.controlplane.cluster.NodeLinks;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Response.HandedOver;
import io.floe.core.protocol.Response.Prepared;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Moves a partition's leadership (replication.md §7; OpenMLDB's {@code changeleader}), in one of
 * two ways:
 *
 * <ul>
 *   <li><b>fence</b> (the leader is dead, or stands by after a restart): {@code prepare} moves
 *       every reachable replica to the next term — from then on the old leader cannot get a write
 *       acknowledged — and needs answers from enough replicas to meet every majority that may have
 *       acknowledged a write ({@code n - n/2} of {@code n}); the replica with the highest (last
 *       term, offset) is chosen; {@code assign} writes it leader of that term; {@code await} waits
 *       until it serves. A target asked for by name leads only if it is among the most advanced
 *       (otherwise the most advanced leads and the reason says so: no acknowledged write is given
 *       up for a name).
 *   <li><b>hand-over</b> (the leader is alive and a target is named): {@code handover} asks the
 *       leader to stop writes and catch the target up, then writes the target leader at the point
 *       the leader named; writes pause for about the catch-up time.
 * </ul>
 *
 * Params: {@code endpoint} the target (node id) or absent for the best; {@code dead} a node known
 * dead; {@code offline} a node giving up its leadership ({@code offlineendpoint}): handed over to
 * its most advanced live follower while it serves, so a live node's stream is never sealed, and
 * otherwise treated as dead; decided on the way: {@code term}, {@code candidate}, {@code way}
 * ({@code hand-over} or {@code fence}), {@code assigned_ms} when the assignment was written or
 * found (the waits for the chosen leader run from it).
 */
public final class ChangeLeader implements OperationKind {
  static final Duration AWAIT_LIMIT = Duration.ofMinutes(2);

  /**
   * How long after the assignment was written a chosen leader may still report itself prepared in
   * the new term (it has not applied the assignment yet) before that means it stands by.
   */
  static final Duration STANDBY_GRACE = Duration.ofSeconds(5);

  /** How often a wait for a node's answer looks at the failure detector's verdict on the node. */
  static final Duration VERDICT_POLL = Duration.ofMillis(20);

  private final MetaStore store;
  private final MetaKeys keys;
  private final NodeLinks links;
  private final Predicate<String> alive;
  private final LongSupplier clock;
  private final Assignments assignments;

  /**
   * @param alive whether the failure detector believes a node answers
   */
  public ChangeLeader(
      MetaStore store,
      MetaKeys keys,
      NodeLinks links,
      Predicate<String> alive,
      LongSupplier clock) {
    this.store = store;
    this.keys = keys;
    this.links = links;
    this.alive = alive;
    this.clock = clock;
    this.assignments = new Assignments(store, keys);
  }

  @Override
  public OpType type() {
    return OpType.ChangeLeader;
  }

  @Override
  public String firstTask() {
    return "choose";
  }

  @Override
  public boolean cancellable(String task) {
    return task.equals("choose") || task.equals("prepare") || task.equals("handover");
  }

  @Override
  public Step run(Operation op) {
    ClusterView view = ClusterView.read(store, keys);
    Optional<CatalogTable> table = view.table(op.table());
    if (table.isEmpty()) {
      return PartitionKind.missing(view, op, -1, "table " + op.table() + " no longer exists");
    }
    Optional<Assigned> read = view.assignment(table.get().tid(), op.pid());
    if (read.isEmpty()) {
      return PartitionKind.missing(
          view,
          op,
          table.get().tid(),
          "partition " + op.pid() + " of " + op.table() + " has no assignment");
    }
    Assigned assigned = read.get();
    return switch (op.curTask()) {
      case "choose" -> choose(op, view, assigned.assignment());
      case "handover" -> handOver(op, view, table.get(), assigned);
      case "prepare" -> prepare(op, view, table.get(), assigned.assignment());
      case "assign" -> assign(op, view, assigned);
      case "await" -> awaitServing(op, view, assigned);
      default -> Step.failed("unknown task " + op.curTask());
    };
  }

  /** Decides the way: a hand-over needs a live leader, a live target, and one-term stability. */
  private Step choose(Operation op, ClusterView view, PartitionAssignment a) {
    String target = op.param("endpoint");
    // A term given at submit (automatic failover names the one after the term it saw) makes this
    // task replayable: a control plane that resumes here after the new term was assigned awaits it
    // rather than moving the partition once more.
    boolean termGiven = op.param("term") != null;
    Operation withTerm = termGiven ? op : op.with("term", Long.toString(a.term() + 1));
    String leaving = op.param("offline");
    if (leaving != null && !leaving.equals(a.leader())) {
      return Step.done(); // it leads no longer: nothing to give up
    }
    if (leaving != null && target == null) {
      Optional<String> follower = handOverTarget(view, a, leaving);
      if (follower.isPresent()) {
        target = follower.get();
        withTerm = withTerm.with("endpoint", target);
      }
    }
    if (target != null) {
      if (a.replicaOn(target).isEmpty()) {
        return Step.failed("node " + target + " holds no replica of partition " + op.pid());
      }
      if (target.equals(a.leader()) && leaderServing(view, a)) {
        return Step.done();
      }
      if (!target.equals(a.leader())
          && leaderServing(view, a)
          && alive.test(target)
          && view.nodes().containsKey(target)) {
        return Step.next("handover", withTerm.with("candidate", target).with("way", "hand-over"));
      }
    }
    withTerm = withTerm.with("way", "fence");
    return termGiven ? Step.then("prepare", withTerm) : Step.next("prepare", withTerm);
  }

  /**
   * The live follower a leaving leader hands over to: reported following in the leader's term and
   * not marked not alive, the furthest ahead first (it catches up soonest).
   */
  private Optional<String> handOverTarget(ClusterView view, PartitionAssignment a, String leaving) {
    return a.replicas().stream()
        .map(PartitionAssignment.Replica::node)
        .filter(n -> !n.equals(leaving) && alive.test(n) && view.nodes().containsKey(n))
        .filter(n -> !view.markedNotAlive(a.tableId(), a.partition(), n))
        .filter(
            n ->
                view.report(n, a.tableId(), a.partition())
                    .map(r -> r.term() == a.term() && r.error().isEmpty())
                    .orElse(false))
        .max(
            java.util.Comparator.comparingLong(
                n -> view.report(n, a.tableId(), a.partition()).get().offset()));
  }

  /**
   * Nodes a fence neither asks nor chooses: one known dead, one giving up its leadership, a leader
   * cut off from its followers (chosen, it would lead the new term as cut off as the old).
   */
  private static boolean excluded(Operation op, String node) {
    return node.equals(op.param("dead"))
        || node.equals(op.param("offline"))
        || node.equals(op.param("isolated"));
  }

  private boolean leaderServing(ClusterView view, PartitionAssignment a) {
    return alive.test(a.leader()) && view.nodes().containsKey(a.leader()) && served(view, a);
  }

  private Step handOver(Operation op, ClusterView view, CatalogTable table, Assigned assigned) {
    PartitionAssignment a = assigned.assignment();
    long term = Long.parseLong(op.param("term"));
    String target = op.param("candidate");
    if (a.term() >= term) {
      return a.leader().equals(target) ? awaitFrom(op) : moved(a);
    }
    NodeRegistration leader = view.nodes().get(a.leader());
    if (leader == null || !alive.test(a.leader())) {
      // it died meanwhile: fence instead
      return Step.next("prepare", op.with("candidate", "").with("way", "fence"));
    }
    if (!alive.test(target) || !view.nodes().containsKey(target)) {
      // A hand-over to a dead target would stop the partition's writes for the whole hand-over
      // timeout for nothing.
      return handOverFailed(op, "the target " + target + " is no longer alive");
    }
    HandedOver handed;
    try {
      handed =
          answerWhileAlive(
              a.leader(),
              leader.endpoint(),
              n -> n.handOverAsync(table.fullName(), a.partition(), a.term(), target));
    } catch (DeclaredDead e) {
      return Step.next(
          "prepare",
          op.with("candidate", "")
              .with("way", "fence")
              .with(
                  "note", "the leader " + a.leader() + " was declared dead during the hand-over"));
    } catch (FloeRequestException e) {
      if (e.code() == ErrorCode.NOT_LEADER
          || e.code() == ErrorCode.FENCED
          || e.code() == ErrorCode.PARTITION_NOT_FOUND) {
        // Its node answers but no longer leads the partition (it restarted and stands by, was
        // deposed, or failed to load): nothing to hand over, and asking again would hold the
        // partition leaderless — automatic failover leaves a partition alone while a change of
        // its leader is open. Fence instead, as when the leader died.
        return Step.next(
            "prepare",
            op.with("candidate", "")
                .with("way", "fence")
                .with("note", "the leader cannot hand over: " + e.reason()));
      }
      if (e.code() != ErrorCode.PARTITION_LOADING) {
        throw e;
      }
      // The target did not catch up while writes were stopped, and the leader resumed them.
      // Trying again at once would stop the partition's writes for the whole timeout each time.
      return handOverFailed(op, e.reason());
    }
    PartitionAssignment next =
        a.handedOverTo(
            target,
            new PartitionAssignment.HandOverPoint(
                a.leader(), leader.incarnation(), handed.lastSeq()));
    if (!write(assigned, next)) {
      return Step.retry(
          Duration.ofMillis(100), "the assignment changed meanwhile; reading it again");
    }
    return awaitFrom(op);
  }

  /**
   * Calls {@code node} at {@code endpoint} and waits for its answer while the failure detector
   * believes the node alive. The chaos harness found a rebalance hand-over asked of a leader that
   * was paused a moment later: the call waited out its whole deadline (10 s), and automatic
   * failover leaves a partition alone while a change of its leader is open, so that partition
   * failed over in 11 s where the node's other partitions did in 1.5 s.
   *
   * @throws DeclaredDead when the detector declared the node dead first (its connection is dropped)
   */
  private <T> T answerWhileAlive(
      String node, String endpoint, Function<NodeAdmin, CompletableFuture<T>> call) {
    return links.call(
        endpoint,
        n -> {
          CompletableFuture<T> answer = call.apply(n);
          while (true) {
            try {
              return answer.get(VERDICT_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
              if (!alive.test(node)) {
                throw new DeclaredDead(node);
              }
            } catch (ExecutionException e) {
              throw e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while awaiting node " + node, e);
            }
          }
        });
  }

  /** A node the failure detector declared dead while its answer was awaited. */
  private static final class DeclaredDead extends RuntimeException {
    DeclaredDead(String node) {
      super("node " + node + " was declared dead while its answer was awaited");
    }
  }

  /**
   * A hand-over that cannot go on fails the change, and who asked (an operator, the rebalancer)
   * decides when to try again — unless the leader is being taken offline, which a fence does
   * without its help.
   */
  private static Step handOverFailed(Operation op, String why) {
    if (op.param("offline") != null) {
      return Step.next(
          "prepare",
          op.with("candidate", "").with("way", "fence").with("note", "hand-over failed: " + why));
    }
    return Step.failed(why);
  }

  private Step prepare(Operation op, ClusterView view, CatalogTable table, PartitionAssignment a) {
    long term = Long.parseLong(op.param("term"));
    if (a.term() >= term) {
      String candidate = op.param("candidate");
      if (candidate != null && candidate.isEmpty()) {
        candidate = null; // cleared by a hand-over that fell back to a fence
      }
      if (candidate == null && a.term() == term) {
        // Resumed after this operation's assign, whose choice was never stored (prepare → assign
        // is not): the term it prepared is the partition's, so its leader is the one chosen.
        return awaitFrom(op.with("candidate", a.leader()));
      }
      return candidate != null && a.leader().equals(candidate) ? awaitFrom(op) : moved(a);
    }
    int n = a.replicas().size();
    int needed = n - n / 2;
    java.util.Map<String, Prepared> answers = new java.util.LinkedHashMap<>();
    List<String> silent = new ArrayList<>();
    for (PartitionAssignment.Replica r : a.replicas()) {
      NodeRegistration node = view.nodes().get(r.node());
      if (node == null || excluded(op, r.node()) || !alive.test(r.node())) {
        silent.add(r.node());
        continue;
      }
      try {
        answers.put(
            r.node(),
            answerWhileAlive(
                r.node(),
                node.endpoint(),
                c -> c.prepareTermAsync(table.fullName(), a.partition(), term)));
      } catch (RuntimeException e) {
        silent.add(r.node() + " (" + e.getMessage() + ")");
      }
    }
    List<String> answered = new ArrayList<>(answers.keySet());
    // The most advanced (last term, then offset) holds every acknowledged write; among equals the
    // one asked for, then one not marked not-alive, then the leader itself when it answered (its
    // node lost its etcd lease, or it stands by): leading the new term in place, it does not seal
    // its node's WAL stream, which every other partition it leads writes to — any other choice
    // seals it and fences all of them.
    java.util.Comparator<String> order =
        java.util.Comparator.<String>comparingLong(x -> answers.get(x).lastTerm())
            .thenComparingLong(x -> answers.get(x).appliedOffset())
            .thenComparing(x -> x.equals(op.param("endpoint")))
            .thenComparing(x -> !view.markedNotAlive(a.tableId(), a.partition(), x))
            .thenComparing(x -> x.equals(a.leader()));
    String best = answered.stream().max(order).orElse(null);
    Prepared bestAnswer = best == null ? null : answers.get(best);
    if (answered.size() < needed) {
      return Step.retry(
          Duration.ofMillis(200),
          answered.size()
              + " of "
              + n
              + " replicas answered the prepare of term "
              + term
              + " ("
              + needed
              + " needed to hold every acknowledged write); not answering: "
              + silent);
    }
    Operation chosen = op.with("candidate", best);
    String wanted = op.param("endpoint");
    if (wanted != null && !wanted.equals(best)) {
      chosen =
          chosen.with(
              "note",
              wanted
                  + " is behind "
                  + best
                  + " (offset "
                  + bestAnswer.appliedOffset()
                  + "); "
                  + best
                  + " leads");
    }
    // Not stored: run again, prepare gives the same answers for the same term (it is idempotent),
    // and once the assignment is written the branch above finds it.
    return Step.then("assign", chosen);
  }

  private Step assign(Operation op, ClusterView view, Assigned assigned) {
    PartitionAssignment a = assigned.assignment();
    long term = Long.parseLong(op.param("term"));
    String candidate = op.param("candidate");
    if (a.term() >= term) {
      return a.leader().equals(candidate) ? awaitFrom(op) : moved(a);
    }
    if (a.term() + 1 != term) {
      return moved(a);
    }
    PartitionAssignment next = a.withLeader(candidate);
    if (a.handover().isPresent() && !served(view, a)) {
      // A hand-over's target that never served committed no manifest: the partition's manifest
      // still names the old leader's stream, which that node (if alive) keeps writing for its other
      // partitions. The new leader must read it up to the point named, not seal it — sealing would
      // fence the old leader's shipping, and with it every partition it leads, for good.
      next = a.handedOverTo(candidate, a.handover().get());
    }
    if (!write(assigned, next)) {
      return Step.retry(
          Duration.ofMillis(50), "the assignment changed meanwhile; reading it again");
    }
    return awaitFrom(op);
  }

  /**
   * Goes on to wait for the chosen leader, noting when: the waits are measured from the assignment,
   * not from the operation's start — a prepare may have waited long for a majority to answer.
   */
  private Step awaitFrom(Operation op) {
    return Step.next("await", op.with("assigned_ms", Long.toString(clock.getAsLong())));
  }

  private Step awaitServing(Operation op, ClusterView view, Assigned assigned) {
    PartitionAssignment a = assigned.assignment();
    long term = Long.parseLong(op.param("term"));
    String assignedMs = op.param("assigned_ms");
    long waited =
        clock.getAsLong() - (assignedMs != null ? Long.parseLong(assignedMs) : op.startTimeMs());
    if (a.term() != term) {
      return moved(a);
    }
    Optional<PartitionReport> r = view.report(a.leader(), a.tableId(), a.partition());
    if (r.isPresent() && r.get().term() == term && r.get().writable()) {
      if (a.handover().isPresent()) {
        // It committed a manifest naming its own stream: the point is spent. Kept, a later change
        // would judge "served" from that moment's reports alone (a leader that just died does not
        // look served) and hand a stale point to the next leader.
        if (!write(assigned, a.withoutHandOver())) {
          return Step.retry(
              Duration.ofMillis(50), "the assignment changed meanwhile; reading it again");
        }
      }
      return new Step.Done(op.param("note"));
    }
    if (r.isPresent() && r.get().suspendedIn(term)) {
      // Its node lost its etcd lease since it was prepared for this term: only a later term gives
      // it writes back, so waiting cannot end well. Automatic failover moves it on.
      return Step.failed(
          a.leader()
              + " was made leader of term "
              + term
              + " but its node lost its etcd lease: it takes no writes until a later term");
    }
    if (r.isPresent() && r.get().standsByIn(term) && waited > STANDBY_GRACE.toMillis()) {
      // Still following no one in its term well after the assignment (a node applies it within
      // milliseconds, and is then promoting or leading): its promotion failed and the replica was
      // loaded afresh, memory gone, so it stands by until a newer term and waiting cannot end
      // well. Automatic failover moves it on.
      return Step.failed(
          a.leader()
              + " was made leader of term "
              + term
              + " but stands by in it (its promotion failed and it was loaded afresh)");
    }
    if (!alive.test(a.leader())) {
      // Waiting would hold the partition leaderless for the whole limit: end now, and automatic
      // failover (or the operator) starts a new change from what the replicas hold.
      return Step.failed(
          a.leader() + " was made leader of term " + term + " but died before it served");
    }
    if (waited > AWAIT_LIMIT.toMillis()) {
      return Step.failed(
          a.leader()
              + " was made leader of term "
              + term
              + " but does not serve after "
              + AWAIT_LIMIT.toSeconds()
              + " s: "
              + r.map(x -> x.state() + " " + x.error().orElse("")).orElse("no report"));
    }
    return Step.retry(
        Duration.ofMillis(50), "waiting for " + a.leader() + " to serve term " + term);
  }

  /**
   * Whether {@code a}'s leader reports serving in {@code a}'s term (so it committed its own
   * manifest).
   */
  private static boolean served(ClusterView view, PartitionAssignment a) {
    return view.report(a.leader(), a.tableId(), a.partition())
        .map(r -> r.term() == a.term() && r.writable())
        .orElse(false);
  }

  private static Step moved(PartitionAssignment a) {
    return Step.failed(
        "another change moved the partition to term " + a.term() + " led by " + a.leader());
  }

  private boolean write(Assigned read, PartitionAssignment next) {
    return assignments.replace(read, next);
  }
}
