package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.SchemaViolationException;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.server.DataServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Conditional writes, partial updates and deletes that tell, against a real node. */
@Timeout(120)
class ConditionalWriteIT {
  private final List<AutoCloseable> open = new ArrayList<>();
  private DataNode node;
  private FloeTable users;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(256L << 20));
    // several I/O threads, so that the writers' connections are served in parallel and race
    props.setProperty(DataServer.IO_THREADS, "4");
    node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    FloeClient client = client();
    client.createTable(node.endpoint(), "db.users", 7, ClientNodeIT.SCHEMA, 4, Durability.MEMORY);
    users = client.table("db.users");
  }

  private FloeClient client() {
    FloeClient client = FloeClient.connect(ClientConfig.of(node.endpoint()));
    open.add(client);
    return client;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void aPutWithTheCurrentVersionWinsAndAStaleOneFailsWithTheCurrentVersion() {
    long v1 = users.putIfAbsent(new Row(1L, "ann", 1.0));
    long v2 = users.putIf(new Row(1L, "bob", 2.0), v1);
    assertThat(v2).isGreaterThan(v1);
    assertThatThrownBy(() -> users.putIf(new Row(1L, "cid", 3.0), v1))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONDITION_FAILED);
              assertThat(e.currentVersion()).isEqualTo(v2);
            });
    assertThat(users.get(1L)).isEqualTo(new Row(1L, "bob", 2.0));
    assertThatThrownBy(() -> users.putIfAbsent(new Row(1L, "dan", 4.0)))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v2));
  }

  @Test
  void deleteSaysWhetherARowExistedAndDeleteIfChecksTheVersion() {
    assertThat(users.delete(5L).existed()).isFalse();
    long v = users.put(new Row(5L, "eve", null));
    assertThatThrownBy(() -> users.deleteIf(v + 100, 5L))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v));
    assertThat(users.deleteIf(v, 5L)).isGreaterThan(v);
    assertThat(users.get(5L)).isNull();
    long again = users.put(new Row(5L, "eve", null));
    DeleteResult deleted = users.delete(5L);
    assertThat(deleted.existed()).isTrue();
    assertThat(deleted.offset()).isGreaterThan(again);
    assertThat(users.delete(5L).existed()).isFalse();
  }

  @Test
  void anUpdateWritesOnlyItsColumnsAndNeedsTheRow() {
    long v1 = users.put(new Row(9L, "ann", 1.0));
    long v2 = users.update(Map.of("score", 2.5), 9L);
    assertThat(v2).isGreaterThan(v1);
    assertThat(users.get(9L)).isEqualTo(new Row(9L, "ann", 2.5));
    assertThatThrownBy(() -> users.updateIf(v1, Map.of("name", "bob"), 9L))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v2));
    Map<String, Object> both = new LinkedHashMap<>();
    both.put("name", "bob");
    both.put("score", null);
    users.updateIf(v2, both, 9L);
    assertThat(users.get(9L)).isEqualTo(new Row(9L, "bob", null));
    assertThatThrownBy(() -> users.update(Map.of("name", "x"), 404L))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
    assertThat(users.get(404L)).isNull();
    assertThatThrownBy(() -> users.update(Map.of("nickname", "x"), 9L))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("'nickname'");
    assertThatThrownBy(() -> users.update(Map.of("id", 10L), 9L))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("'id'");
  }

  /** Two writers with the same expected version: exactly one wins, the loser sees its version. */
  @Test
  void aLostRaceOnAConditionalPutFailsWithTheWinnersVersion() {
    FloeTable other = client().table("db.users");
    for (long round = 0; round < 200; round++) {
      long v = users.put(new Row(round, "start", 0.0));
      CompletableFuture<Long> a = users.putIfAsync(new Row(round, "a", 1.0), v);
      CompletableFuture<Long> b = other.putIfAsync(new Row(round, "b", 2.0), v);
      assertExactlyOneWins(a, b);
    }
  }

  @Test
  void racingPutIfAbsentHasExactlyOneWinner() {
    FloeTable other = client().table("db.users");
    for (long round = 0; round < 200; round++) {
      CompletableFuture<Long> a = users.putIfAbsentAsync(new Row(round, "a", 1.0));
      CompletableFuture<Long> b = other.putIfAbsentAsync(new Row(round, "b", 2.0));
      Long winner = assertExactlyOneWins(a, b);
      assertThat(users.get(round).get(1)).isEqualTo(a.isCompletedExceptionally() ? "b" : "a");
      assertThat(winner).isPositive();
    }
  }

  private static Long assertExactlyOneWins(CompletableFuture<Long> a, CompletableFuture<Long> b) {
    Object ra = outcome(a);
    Object rb = outcome(b);
    assertThat(List.of(ra, rb))
        .as("exactly one wins")
        .filteredOn(Long.class::isInstance)
        .hasSize(1);
    Long winner = (Long) (ra instanceof Long ? ra : rb);
    Object loser = ra instanceof Long ? rb : ra;
    assertThat(loser)
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(winner));
    return winner;
  }

  private static Object outcome(CompletableFuture<Long> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /**
   * Two writers, each with its own client (connection), update different columns of the same rows
   * at once, round after round: every row gets one update from each writer per round, both in
   * flight together, and after each round every row holds both writers' values of that round. A
   * read-modify-write that is not atomic on the node would lose one of them.
   */
  @Test
  void concurrentUpdatesOfDifferentColumnsKeepEachOthersColumns() {
    FloeTable other = client().table("db.users");
    int rows = 128;
    List<Object[]> keys = new ArrayList<>();
    for (long row = 0; row < rows; row++) {
      users.put(new Row(row, "name-none", -1.0));
      keys.add(new Object[] {row});
    }
    for (int round = 0; round < 300; round++) {
      List<CompletableFuture<Long>> inFlight = new ArrayList<>(2 * rows);
      for (long row = 0; row < rows; row++) {
        inFlight.add(users.updateAsync(Map.of("name", "name-" + round), row));
        inFlight.add(other.updateAsync(Map.of("score", (double) round), row));
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
      List<Row> got = users.multiGet(keys);
      for (int row = 0; row < rows; row++) {
        assertThat(got.get(row))
            .as("row %d after round %d", row, round)
            .isEqualTo(new Row((long) row, "name-" + round, (double) round));
      }
    }
  }
}
