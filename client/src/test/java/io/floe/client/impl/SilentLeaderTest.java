package io.floe.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTable;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A leader that falls silent (paused, cut off) while its partition fails over: the client gives up
 * the requests waiting on it as soon as a description names another leader, instead of waiting out
 * their deadline; and only then (a silent leader still named leader is waited for).
 */
@Timeout(60)
class SilentLeaderTest {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true)),
          List.of("id"));
  private static final Duration SUSPECT_AFTER = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final AtomicBoolean moved = new AtomicBoolean();
  private final AtomicInteger descriptions = new AtomicInteger();
  private FakeNode old;
  private FakeNode next;
  private FloeClient client;

  @BeforeEach
  void start() throws IOException {
    byte[] row = new RowCodec(SCHEMA).encode(new Row(7L, "seven"));
    old = new FakeNode(answers(false, row));
    next = new FakeNode(answers(true, row));
  }

  /** Both describe the table alike; the old leader answers nothing else, the new one anything. */
  private Function<Request, Response> answers(boolean isNext, byte[] row) {
    return r -> {
      if (r instanceof Request.DescribeTable) {
        descriptions.incrementAndGet();
        String leader = moved.get() ? next.endpoint() : old.endpoint();
        return new Response.TableDescription(
            SchemaParser.toJson(SCHEMA), Durability.REPLICATED, List.of(leader));
      }
      if (r instanceof Request.Ping) {
        return new Response.Ack();
      }
      if (!isNext) {
        return FakeNode.SILENCE;
      }
      if (r instanceof Request.Get) {
        return new Response.Got(row);
      }
      return new Response.Written(42, 1);
    };
  }

  @AfterEach
  void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    old.close();
    next.close();
  }

  private FloeTable table(boolean callerThreadIo) {
    client =
        FloeClient.connect(
            ClientConfig.of(old.endpoint(), next.endpoint())
                .withRequestTimeout(TIMEOUT)
                .withSuspectAfter(SUSPECT_AFTER)
                .withCallerThreadIo(callerThreadIo));
    FloeTable table = client.table("db.t");
    assertThat(descriptions.get()).isEqualTo(1);
    return table;
  }

  @ParameterizedTest(name = "caller-thread I/O {0}")
  @ValueSource(booleans = {false, true})
  void aWriteWaitingOnALeaderThatFailedOverFailsAtOnceAsUnknownAndTheNextGoesToTheNewLeader(
      boolean callerThreadIo) throws Exception {
    FloeTable table = table(callerThreadIo);
    CompletableFuture<Long> waiting =
        CompletableFuture.supplyAsync(() -> table.put(new Row(1L, "one")));
    awaitReceived(old, Request.Put.class);
    long movedAt = System.nanoTime();
    moved.set(true);

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(FloeConnectionException.class)
        .hasMessageContaining("gave up on " + old.endpoint())
        .hasMessageContaining("names " + next.endpoint() + " leader of partition 0")
        .satisfies(e -> assertThat(((FloeConnectionException) e).sent()).isTrue());
    long gaveUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedAt);
    // It looks again once per suspect interval: the first look after the move ends the wait.
    assertThat(gaveUpMs).isLessThan(TIMEOUT.toMillis() / 10);

    assertThat(table.put(new Row(2L, "two"))).isEqualTo(42);
    assertThat(next.received).anyMatch(r -> r instanceof Request.Put);
  }

  @ParameterizedTest(name = "caller-thread I/O {0}")
  @ValueSource(booleans = {false, true})
  void aReadWaitingOnALeaderThatFailedOverIsAnsweredByTheNewLeader(boolean callerThreadIo)
      throws Exception {
    FloeTable table = table(callerThreadIo);
    CompletableFuture<Row> waiting = CompletableFuture.supplyAsync(() -> table.get(7L));
    awaitReceived(old, Request.Get.class);
    moved.set(true);

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(new Row(7L, "seven"));
  }

  @Test
  void aWriteSentToASilentSeedThatLeadsNothingIsGivenUpAndTheNextGoesToAnotherSeed()
      throws Exception {
    // No leader known (a description naming none): writes go to a seed, which forwards or names
    // the leader; a silent one does neither.
    Function<Request, Response> leaderless =
        r -> {
          if (r instanceof Request.DescribeTable) {
            descriptions.incrementAndGet();
            return new Response.TableDescription(
                SchemaParser.toJson(SCHEMA), Durability.REPLICATED, List.of(""));
          }
          return r instanceof Request.Ping ? new Response.Ack() : null;
        };
    try (FakeNode silentSeed =
            new FakeNode(r -> r instanceof Request.Put ? FakeNode.SILENCE : leaderless.apply(r));
        FakeNode seed =
            new FakeNode(
                r -> r instanceof Request.Put ? new Response.Written(7, 1) : leaderless.apply(r))) {
      client =
          FloeClient.connect(
              ClientConfig.of(silentSeed.endpoint(), seed.endpoint())
                  .withRequestTimeout(TIMEOUT)
                  .withSuspectAfter(SUSPECT_AFTER));
      FloeTable table = client.table("db.t");
      long started = System.nanoTime();

      assertThatThrownBy(() -> table.put(new Row(1L, "one")))
          .isInstanceOf(FloeConnectionException.class)
          .hasMessageContaining("gave up on " + silentSeed.endpoint())
          .hasMessageContaining("leads no partition");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .isLessThan(TIMEOUT.toMillis() / 10);

      assertThat(table.put(new Row(2L, "two"))).isEqualTo(7);
    }
  }

  @Test
  void aSilentLeaderStillNamedLeaderIsWaitedForUntilTheDeadlineAndLookedAtMeanwhile() {
    client =
        FloeClient.connect(
            ClientConfig.of(old.endpoint(), next.endpoint())
                .withRequestTimeout(Duration.ofMillis(1_500))
                .withSuspectAfter(SUSPECT_AFTER));
    FloeTable table = client.table("db.t");
    long started = System.nanoTime();

    assertThatThrownBy(() -> table.put(new Row(1L, "one")))
        .isInstanceOf(FloeTimeoutException.class);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThan(1_400);
    // Described once to start, then again about every suspect interval of the silence.
    assertThat(descriptions.get()).isGreaterThanOrEqualTo(4);
    assertThat(next.received).noneMatch(r -> r instanceof Request.Put);
  }

  @Test
  void aNodeThatAnswersIsNeverLookedAtAgain() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    try (FakeNode slow =
        new FakeNode(
            r -> {
              if (r instanceof Request.DescribeTable) {
                descriptions.incrementAndGet();
                return new Response.TableDescription(
                    SchemaParser.toJson(SCHEMA), Durability.REPLICATED, List.of(""));
              }
              if (r instanceof Request.Get) {
                gets.incrementAndGet();
                return new Response.Got(null);
              }
              return new Response.Ack();
            })) {
      client =
          FloeClient.connect(
              ClientConfig.of(slow.endpoint())
                  .withRequestTimeout(TIMEOUT)
                  .withSuspectAfter(SUSPECT_AFTER));
      FloeTable table = client.table("db.t");
      for (int i = 0; i < 50; i++) {
        assertThat(table.get((long) i)).isNull();
      }
      assertThat(gets.get()).isEqualTo(50);
      assertThat(descriptions.get()).isEqualTo(1);
    }
  }

  private static void awaitReceived(FakeNode node, Class<? extends Request> type) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> node.received.stream().anyMatch(type::isInstance));
  }
}
