package io.floe.loadtests.chaos;

import static io.floe.loadtests.chaos.Anomaly.Kind.LOST_WRITE;
import static io.floe.loadtests.chaos.Anomaly.Kind.PHANTOM;
import static io.floe.loadtests.chaos.Anomaly.Kind.REORDERED;
import static io.floe.loadtests.chaos.Anomaly.Kind.STALE_READ;
import static io.floe.loadtests.chaos.Anomaly.Kind.UNREADABLE;

import io.floe.loadtests.chaos.KeyHistory.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The checks of {@link Checker} on one key; the definitions are on {@link Checker}. */
final class KeyCheck {
  private static final String LOST = "acknowledged write not in the final state";
  private static final String LOST_TO_PHANTOM = "the final value is a phantom";
  private static final String OLDER_THAN_WRITE = "final state is older than an acknowledged write";
  private static final String OLDER_THAN_READ = "final state is older than a value already read";
  private static final String OVERTAKEN = "a newer write was acknowledged before the read began";
  private static final String BACK_IN_TIME = "an earlier read saw a newer value";

  private final KeyHistory h;
  private final Tally tally;

  /** An ok read and the state it returned. */
  private record Observation(Op read, State state) {}

  KeyCheck(KeyHistory h, Tally tally) {
    this.h = h;
    this.tally = tally;
  }

  /** Checks the key's reads, then its final value (null: absent). */
  void run(String finalValue) {
    tally.acknowledged(h.mode, h.acknowledgedCount());
    Observation newestRead = checkReads();
    checkFinal(h.finalState(finalValue), newestRead);
  }

  /**
   * The key could not be read back ({@code reason}): its reads are checked, its acknowledged writes
   * counted, and the key counted as not read back rather than guessed at.
   */
  void runUnreadable(String reason) {
    tally.acknowledged(h.mode, h.acknowledgedCount());
    checkReads();
    tally.add(new Anomaly(UNREADABLE, h.mode, h.table, h.key, null, null, null, null, reason));
  }

  private void checkFinal(State state, Observation newestRead) {
    if (state.phantom() != null) {
      tally.add(anomaly(PHANTOM, state, null, null, state.phantom()));
    }
    List<Op> lost = h.acknowledgedInvokedAfter(state.latestEffect());
    tally.count(LOST_WRITE, h.mode, lost.size());
    String why = state.phantom() != null ? LOST_TO_PHANTOM : LOST;
    for (int i = 0; i < lost.size() && tally.wantsExample(LOST_WRITE, h.mode); i++) {
      tally.example(anomaly(LOST_WRITE, state, null, lost.get(i), why));
    }
    if (state.phantom() != null || state.source() == null) {
      return; // Nothing older survived: the key's value is garbage or simply gone.
    }
    if (!lost.isEmpty()) {
      tally.add(anomaly(REORDERED, state, null, h.newestAcknowledged(), OLDER_THAN_WRITE));
    } else if (newestRead != null && isNewer(newestRead.state(), state)) {
      tally.add(anomaly(REORDERED, state, null, newestRead.read(), OLDER_THAN_READ));
    }
  }

  /**
   * Checks every ok read in order of invocation, sweeping the reads that completed before each one
   * began; returns the read that saw the newest value, or null if none saw a value.
   */
  private Observation checkReads() {
    List<Observation> byInvoke = new ArrayList<>(h.reads().size());
    for (Op read : h.reads()) {
      byInvoke.add(new Observation(read, h.readState(read)));
    }
    List<Observation> byComplete = new ArrayList<>(byInvoke);
    byComplete.sort(Comparator.comparingLong(o -> o.read().completeNanos()));
    Observation newestBefore = null;
    int done = 0;
    for (Observation o : byInvoke) {
      while (done < byComplete.size()
          && byComplete.get(done).read().completeNanos() < o.read().invokeNanos()) {
        newestBefore = newer(newestBefore, byComplete.get(done++));
      }
      checkRead(o, newestBefore);
    }
    while (done < byComplete.size()) {
      newestBefore = newer(newestBefore, byComplete.get(done++));
    }
    return newestBefore;
  }

  private void checkRead(Observation o, Observation newestBefore) {
    State state = o.state();
    if (state.phantom() != null) {
      tally.add(anomaly(PHANTOM, state, o.read(), null, state.phantom()));
      return;
    }
    Op overtaking = h.acknowledgedBetween(state.latestEffect(), o.read().invokeNanos());
    if (overtaking != null) {
      tally.add(anomaly(STALE_READ, state, o.read(), overtaking, OVERTAKEN));
    } else if (newestBefore != null && isNewer(newestBefore.state(), state)) {
      tally.add(anomaly(STALE_READ, state, o.read(), newestBefore.read(), BACK_IN_TIME));
    }
  }

  /** True iff every possible source of {@code older} is strictly before every one of {@code a}. */
  private static boolean isNewer(State a, State older) {
    return a.earliestInvoke() > older.latestEffect();
  }

  /** Of two observations, the one that saw the newer value; phantoms and absent never are. */
  private static Observation newer(Observation best, Observation candidate) {
    if (candidate.state().phantom() != null || candidate.state().value() == null) {
      return best;
    }
    boolean newer =
        best == null || candidate.state().earliestInvoke() > best.state().earliestInvoke();
    return newer ? candidate : best;
  }

  private Anomaly anomaly(Anomaly.Kind kind, State state, Op seenBy, Op newer, String why) {
    return new Anomaly(
        kind, h.mode, h.table, h.key, state.value(), seenBy, state.source(), newer, why);
  }
}
