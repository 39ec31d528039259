package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.table.SchemaViolationException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The one retry rule, case by case: every error code, connection failures, timeouts. */
class RetryRuleTest {
  /** What each code says: applied nothing? transient? A new code must be added here by decision. */
  record Expect(boolean notApplied, boolean transientRefusal) {}

  static final Map<ErrorCode, Expect> RULE = new EnumMap<>(ErrorCode.class);

  static {
    RULE.put(ErrorCode.NOT_LEADER, new Expect(true, true));
    RULE.put(ErrorCode.TABLE_NOT_FOUND, new Expect(true, false));
    RULE.put(ErrorCode.SCHEMA_VIOLATION, new Expect(true, false));
    RULE.put(ErrorCode.ROW_TOO_LARGE, new Expect(true, false));
    // full now, space frees up: retried with back-off until the deadline, never in a tight loop
    RULE.put(ErrorCode.MEMORY_LIMIT, new Expect(true, true));
    RULE.put(ErrorCode.FENCED, new Expect(true, false));
    RULE.put(ErrorCode.PARTITION_LOADING, new Expect(true, true));
    RULE.put(ErrorCode.PARTITION_NOT_FOUND, new Expect(true, false));
    RULE.put(ErrorCode.MALFORMED_REQUEST, new Expect(true, false));
    RULE.put(ErrorCode.FRAME_TOO_LARGE, new Expect(true, false));
    RULE.put(ErrorCode.UNSUPPORTED_VERSION, new Expect(true, false));
    RULE.put(ErrorCode.INTERNAL, new Expect(false, false));
    // a definite answer: the row is at another version; the application re-reads and decides
    RULE.put(ErrorCode.CONDITION_FAILED, new Expect(true, false));
  }

  @Test
  void everyErrorCodeHasADecidedRule() {
    assertThat(RULE.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
  }

  @Test
  void refusalsAreRetriedWhenTransientAndWritesOnlyWhenNothingApplied() {
    for (ErrorCode code : ErrorCode.values()) {
      Expect expect = RULE.get(code);
      FloeRequestException refused = FloeRequestException.fromWire(code, "refused", "");
      assertThat(code.certainlyNotApplied())
          .as(code + " applied nothing")
          .isEqualTo(expect.notApplied());
      assertThat(code.retryable()).as(code + " transient").isEqualTo(expect.transientRefusal());
      assertThat(RetryRule.certainlyNotApplied(refused))
          .as(code.name())
          .isEqualTo(expect.notApplied());
      assertThat(RetryRule.isTransient(refused))
          .as(code.name())
          .isEqualTo(expect.transientRefusal());
      assertThat(RetryRule.isRetryableForSafeRedoOp(refused))
          .as(code + " read")
          .isEqualTo(expect.transientRefusal());
      assertThat(RetryRule.isRetryableForNoSafeRedoOp(refused))
          .as(code + " write")
          .isEqualTo(expect.transientRefusal() && expect.notApplied());
      // as a future hands it over
      assertThat(RetryRule.isRetryable(new CompletionException(refused), false))
          .as(code + " wrapped")
          .isEqualTo(RetryRule.isRetryableForNoSafeRedoOp(refused));
    }
  }

  @Test
  void aCodeThisVersionDoesNotKnowIsAnUnknownOutcome() {
    FloeRequestException unknown = FloeRequestException.fromWire(ErrorCode.of(999), "?", "");
    assertThat(RetryRule.certainlyNotApplied(unknown)).isFalse();
    assertThat(RetryRule.isRetryable(unknown, true)).isFalse();
    assertThat(RetryRule.isRetryable(unknown, false)).isFalse();
  }

  @Test
  void aFailedConditionCarriesTheCurrentVersionAndIsNeverRetried() {
    FloeRequestException failed =
        FloeRequestException.fromWire(ErrorCode.CONDITION_FAILED, "row at version 7", "7");
    assertThat(failed)
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(7));
    assertThat(RetryRule.isRetryable(failed, false)).isFalse();
    assertThat(RetryRule.isRetryable(failed, true)).isFalse();
  }

  @Test
  void aConnectionThatFailedBeforeSendingIsRetriedForReadsAndWrites() {
    FloeConnectionException notSent = new FloeConnectionException("refused", false, null);
    assertThat(RetryRule.certainlyNotApplied(notSent)).isTrue();
    assertThat(RetryRule.isRetryableForSafeRedoOp(notSent)).isTrue();
    assertThat(RetryRule.isRetryableForNoSafeRedoOp(notSent)).isTrue();
  }

  @Test
  void aConnectionThatBrokeAfterSendingIsRetriedForReadsOnly() {
    FloeConnectionException sent = new FloeConnectionException("closed", true, null);
    assertThat(RetryRule.certainlyNotApplied(sent)).isFalse();
    assertThat(RetryRule.isRetryableForSafeRedoOp(sent)).isTrue();
    assertThat(RetryRule.isRetryableForNoSafeRedoOp(sent)).isFalse();
  }

  @Test
  void aTimeoutIsRetriedForReadsOnly() {
    FloeTimeoutException timeout = new FloeTimeoutException("PUT timed out");
    assertThat(RetryRule.certainlyNotApplied(timeout)).isFalse();
    assertThat(RetryRule.isRetryable(timeout, true)).isTrue();
    assertThat(RetryRule.isRetryable(timeout, false)).isFalse();
  }

  @Test
  void aNotLeaderNamingTheLeaderIsRetriedThere() {
    NotLeaderException notLeader = new NotLeaderException("not here", "127.0.0.1:7001");
    assertThat(RetryRule.isRetryable(notLeader, false)).isTrue();
  }

  @Test
  void failuresOfTheCallersOwnInputAreNeverRetried() {
    for (RuntimeException own :
        new RuntimeException[] {
          new IllegalArgumentException("bad limit"),
          new SchemaViolationException("id", "must be int64"),
          new IllegalStateException("closed")
        }) {
      assertThat(RetryRule.isRetryable(own, true)).as(own.toString()).isFalse();
      assertThat(RetryRule.isRetryable(own, false)).as(own.toString()).isFalse();
      assertThat(RetryRule.certainlyNotApplied(own)).as(own.toString()).isFalse();
    }
  }
}
