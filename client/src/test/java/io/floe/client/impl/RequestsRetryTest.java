package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.client.ClientConfig;
import io.floe.client.FloeConnectionException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's retries through the retry mechanism, with attempts that fail as a node would. */
@Timeout(30)
class RequestsRetryTest {
  private ConnectionPool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private Requests requests(Duration timeout) {
    ClientConfig config = ClientConfig.of("127.0.0.1:1").withRequestTimeout(timeout);
    pool = new ConnectionPool(config);
    return new Requests(pool, config);
  }

  private static Supplier<CompletableFuture<String>> loadingUntil(long nanos, AtomicInteger n) {
    return () -> {
      n.incrementAndGet();
      return System.nanoTime() - nanos < 0
          ? CompletableFuture.failedFuture(
              new FloeRequestException(ErrorCode.PARTITION_LOADING, "partition 19 is loading"))
          : CompletableFuture.completedFuture("written");
    };
  }

  private static <T> CompletableFuture<T> firstThenRetries(
      Requests requests, boolean idempotent, Supplier<CompletableFuture<T>> attempt) {
    long deadline = requests.deadline();
    return attempt
        .get()
        .exceptionallyCompose(f -> requests.retryAfter(f, idempotent, attempt, deadline));
  }

  @Test
  void aWriteToAPartitionStillLoadingWaitsForItInsteadOfGivingUpAfterFourAttempts() {
    Requests requests = requests(Duration.ofSeconds(5));
    AtomicInteger attempts = new AtomicInteger();
    long loadedAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);

    CompletableFuture<String> write =
        firstThenRetries(requests, false, loadingUntil(loadedAt, attempts));

    assertThat(write.join()).isEqualTo("written");
    assertThat(attempts.get()).isGreaterThan(4);
  }

  @Test
  void aWriteGivesUpWithTheRefusalWhenTheNextAttemptWouldMissTheDeadline() {
    Requests requests = requests(Duration.ofMillis(300));
    AtomicInteger attempts = new AtomicInteger();
    long started = System.nanoTime();

    CompletableFuture<String> write =
        firstThenRetries(requests, false, loadingUntil(Long.MAX_VALUE, attempts));

    assertThatThrownBy(write::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_LOADING));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(tookMillis).isLessThan(300 + 100);
    assertThat(attempts.get()).isGreaterThan(4);
  }

  @Test
  void aWriteWhoseOutcomeIsUnknownIsNeverSentAgain() {
    Requests requests = requests(Duration.ofSeconds(5));
    AtomicInteger attempts = new AtomicInteger();

    CompletableFuture<String> write =
        firstThenRetries(
            requests,
            false,
            () -> {
              attempts.incrementAndGet();
              return CompletableFuture.failedFuture(
                  new FloeConnectionException("connection closed", true, null));
            });

    assertThatThrownBy(write::join).cause().isInstanceOf(FloeConnectionException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aReadIsSentAgainAfterABrokenConnection() {
    Requests requests = requests(Duration.ofSeconds(5));
    AtomicInteger attempts = new AtomicInteger();

    CompletableFuture<String> read =
        firstThenRetries(
            requests,
            true,
            () ->
                attempts.incrementAndGet() < 3
                    ? CompletableFuture.failedFuture(
                        new FloeConnectionException("connection closed", true, null))
                    : CompletableFuture.completedFuture("row"));

    assertThat(read.join()).isEqualTo("row");
    assertThat(attempts).hasValue(3);
  }
}
