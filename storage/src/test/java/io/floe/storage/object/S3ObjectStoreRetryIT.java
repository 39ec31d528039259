package io.floe.storage.object;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.testsupport.s3.FaultyS3Front;
import io.floe.testsupport.s3.S3Extension;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries and the circuit breaker, proven over real sockets: a {@link FaultyS3Front} between the
 * SDK and the S3 endpoint injects throttling, server errors, dropped connections, lost answers and
 * latency, and counts the requests that really went out.
 */
class S3ObjectStoreRetryIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private FaultyS3Front front;
  private S3ObjectStore store;

  @BeforeEach
  void start() {
    front = FaultyS3Front.start(S3.endpoint());
    store = storeVia(front, p -> {});
  }

  @AfterEach
  void stop() {
    store.close();
    front.close();
  }

  private S3ObjectStore storeVia(FaultyS3Front front, Consumer<Map<String, String>> tweak) {
    Map<String, String> p = S3Stores.properties(S3, front.endpoint());
    tweak.accept(p);
    return new S3ObjectStore(ObjectStoreConfig.fromProperties(p));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void throttledCallsAreRetriedUntilTheySucceed() {
    front.slowDownNext(2);

    store.put("k", bytes("v"));

    assertThat(front.requestCount()).isEqualTo(3);
    front.resetCount();
    assertThat(store.get("k")).isEqualTo(bytes("v"));
    assertThat(front.requestCount()).isEqualTo(1);
  }

  @Test
  void serverErrorsAndDroppedConnectionsAreRetried() {
    store.put("k", bytes("v"));
    front.resetCount();
    front.failNext(1, 500, "InternalError").dropNext(1);

    assertThat(store.get("k")).isEqualTo(bytes("v"));
    assertThat(front.requestCount()).isEqualTo(3);
  }

  @Test
  void clientErrorsAreNeverRetried() {
    assertThatThrownBy(() -> store.get("missing")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(front.requestCount()).isEqualTo(1);

    front.resetCount();
    front.failNext(1, 403, "AccessDenied");
    assertThatThrownBy(() -> store.put("k", bytes("v"))).isInstanceOf(AccessDeniedException.class);
    assertThat(front.requestCount()).isEqualTo(1);

    front.resetCount();
    store.createIfAbsent("c", bytes("1"));
    assertThatThrownBy(() -> store.createIfAbsent("c", bytes("2")))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(front.requestCount()).isEqualTo(2);
  }

  @Test
  void persistentThrottlingFailsAfterMaxAttemptsAsRetryable() {
    front.failAll(503, "SlowDown");

    assertThatThrownBy(() -> store.put("k", bytes("v")))
        .isInstanceOfSatisfying(
            ObjectStoreException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage())
                  .contains("s3://" + S3.bucket() + "/cluster-a/k")
                  .contains("503");
            });
    assertThat(front.requestCount()).isEqualTo(3); // s3.retry.max-attempts
  }

  @Test
  void circuitBreakerOpensAfterRepeatedFailuresAndFailsFast() {
    store.close();
    store =
        storeVia(
            front,
            p -> {
              p.put("s3.circuit-breaker.window-calls", "4");
              p.put("s3.circuit-breaker.minimum-calls", "4");
              p.put("s3.circuit-breaker.open-duration", "60s");
            });
    front.failAll(503, "SlowDown");
    assertThatThrownBy(() -> store.put("a", bytes("v"))).isInstanceOf(ObjectStoreException.class);
    assertThatThrownBy(() -> store.put("b", bytes("v"))).isInstanceOf(ObjectStoreException.class);
    assertThat(store.resilience().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    int seen = front.requestCount();
    front.heal();

    assertThatThrownBy(() -> store.get("a"))
        .isInstanceOfSatisfying(
            ObjectStoreException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("failing fast");
            });
    assertThat(front.requestCount()).isEqualTo(seen);
  }

  @Test
  void createIfAbsentWhoseAnswerWasLostRecognisesItsOwnWrite() {
    front.loseResponseNext(1);

    ObjectInfo created = store.createIfAbsent("manifest", bytes("mine"));

    assertThat(created.size()).isEqualTo(4);
    assertThat(store.get("manifest")).isEqualTo(bytes("mine"));
    assertThat(front.requestCount()).isGreaterThanOrEqualTo(3); // lost put, 412 put, head
  }

  @Test
  void createIfAbsentWhoseAnswerWasLostStillLosesToAnotherWriter() {
    store.put("manifest", bytes("theirs"));
    front.loseResponseNext(1);

    assertThatThrownBy(() -> store.createIfAbsent("manifest", bytes("mine")))
        .isInstanceOf(ObjectAlreadyExistsException.class);
    assertThat(store.get("manifest")).isEqualTo(bytes("theirs"));
  }

  @Test
  void createIfAbsentRecognisesItsOwnWriteWhenEtagsAreNotMd5s() {
    front.opaqueEtags().loseResponseNext(1); // as under SSE-KMS

    ObjectInfo created = store.createIfAbsent("manifest", bytes("mine"));

    assertThat(created.size()).isEqualTo(4);
    assertThat(store.get("manifest")).isEqualTo(bytes("mine"));
  }

  @Test
  void aRivalsIdenticalBytesAreNotTakenForOurLostWrite() {
    store.put("manifest", bytes("same"));
    front.loseResponseNext(1); // our first attempt reaches S3 and loses; we never hear it

    assertThatThrownBy(() -> store.createIfAbsent("manifest", bytes("same")))
        .isInstanceOf(ObjectAlreadyExistsException.class);
  }

  @Test
  void givingUpAfterALostAnswerAsksWhoseObjectIsThereFirst() {
    front.loseResponseNext(1).slowDownNext(2); // the write lands; its retries are throttled

    ObjectInfo created = store.createIfAbsent("manifest", bytes("mine"));

    assertThat(created.size()).isEqualTo(4);
    assertThat(front.requestCount()).isEqualTo(4); // lost put, two throttled puts, head
  }

  @Test
  void whenTheKeyCannotBeCheckedAfterALostAnswerTheOutcomeIsUnknown() {
    front.loseResponseNext(1).failAll(503, "ServiceUnavailable");

    assertThatThrownBy(() -> store.createIfAbsent("manifest", bytes("mine")))
        .isInstanceOfSatisfying(
            WriteOutcomeUnknownException.class,
            e -> {
              assertThat(e.key()).isEqualTo("manifest");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("re-read the key");
            });
    front.heal();
    assertThat(store.get("manifest")).isEqualTo(bytes("mine"));
  }

  @Test
  void aConcurrentConditionalWriteInProgressIsRetriedNotTakenForALostRace() {
    front.failNext(1, 409, "ConditionalRequestConflict");

    store.createIfAbsent("manifest", bytes("mine"));

    assertThat(store.get("manifest")).isEqualTo(bytes("mine"));
    assertThat(front.requestCount()).isEqualTo(3); // 409, the put, the get
  }

  @Test
  void aCallThatHangsTimesOutAndIsRetried() {
    store.close();
    store = storeVia(front, p -> p.put(ObjectStoreConfig.CALL_TIMEOUT, "1s"));
    store.put("k", bytes("v"));
    front.resetCount();
    front.delayNext(1, Duration.ofSeconds(3));

    assertThat(store.get("k")).isEqualTo(bytes("v"));
    assertThat(front.requestCount()).isEqualTo(2);
  }
}
