package io.floe.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.PartialRow;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PUT_IF, DELETE_IF and UPDATE as the node runs them, including input a client would not send. */
class ConditionalRequestsTest {
  private static final String TABLE = "db.people";
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, false),
              new Column("score", ColumnType.FLOAT64, true)),
          List.of("id"));
  private static final RowCodec ROWS = new RowCodec(SCHEMA);
  private static final KeyCodec KEYS = new KeyCodec(SCHEMA);

  private final ExecutorService loading = Executors.newSingleThreadExecutor();
  private final TableRegistry registry = new TableRegistry();
  private final RequestProcessor processor =
      new RequestProcessor(
          registry,
          new TableHosting(
              registry,
              new MemoryBudget(64L << 20),
              WalSinks.memoryOnly(),
              (table, partition) -> partition.markNormal(),
              loading),
          () -> "127.0.0.1:7400");

  @BeforeEach
  void createTable() throws Exception {
    call(new Request.CreateTable(TABLE, 3, SchemaParser.toJson(SCHEMA), 2, Durability.MEMORY));
  }

  @AfterEach
  void stop() {
    loading.shutdownNow();
  }

  private Response call(Request request) throws Exception {
    return processor.process(request).get(10, TimeUnit.SECONDS);
  }

  /** The refusal of a request, thrown at once or through its future. */
  private Exception refusal(Request request) {
    try {
      call(request);
    } catch (ExecutionException e) {
      return (Exception) e.getCause();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("accepted: " + request);
  }

  private static byte[] key(long id) {
    return KEYS.encodeKey(id);
  }

  private static Request.Update update(long expected, long id, List<String> columns, byte[] v) {
    return new Request.Update(TABLE, expected, key(id), columns, v);
  }

  @Test
  void putIfAnswersThePriorVersionOrRefusesWithTheCurrentOne() throws Exception {
    byte[] row = ROWS.encode(new Row(1L, "ann", null));
    Response.Changed first = (Response.Changed) call(new Request.PutIf(TABLE, 0, row));
    assertThat(first.existed()).isFalse();
    Exception refused = refusal(new Request.PutIf(TABLE, 0, row));
    assertThat(refused)
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONDITION_FAILED);
              assertThat(e.detail()).isEqualTo(Long.toString(first.offset()));
            });
    Response.Changed second =
        (Response.Changed) call(new Request.PutIf(TABLE, first.offset(), row));
    assertThat(second.priorVersion()).isEqualTo(first.offset());
  }

  @Test
  void deleteIfWithoutConditionSaysWhetherTheRowExisted() throws Exception {
    assertThat(((Response.Changed) call(new Request.DeleteIf(TABLE, -1, key(2)))).existed())
        .isFalse();
    call(new Request.Put(TABLE, ROWS.encode(new Row(2L, "bob", 1.0))));
    assertThat(((Response.Changed) call(new Request.DeleteIf(TABLE, -1, key(2)))).existed())
        .isTrue();
  }

  @Test
  void anUpdateMergesTheNamedColumnsIntoTheStoredRow() throws Exception {
    call(new Request.Put(TABLE, ROWS.encode(new Row(3L, "cid", 1.0))));
    PartialRow score = new PartialRow(SCHEMA, List.of("score"));
    call(update(-1, 3, List.of("score"), score.encode(2.0)));
    Response.Got got = (Response.Got) call(new Request.Get(TABLE, key(3)));
    assertThat(ROWS.decode(got.row())).isEqualTo(new Row(3L, "cid", 2.0));
  }

  @Test
  void anUpdateOfAnAbsentRowFailsItsConditionWithVersionZero() {
    byte[] values = new PartialRow(SCHEMA, List.of("score")).encode(2.0);
    assertThat(refusal(update(-1, 404, List.of("score"), values)))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
  }

  @Test
  void badUpdatesAreSchemaViolationsNamingTheColumn() throws Exception {
    call(new Request.Put(TABLE, ROWS.encode(new Row(4L, "dan", 1.0))));
    byte[] aString = new PartialRow(SCHEMA, List.of("name")).encode("x");
    assertThat(refusal(update(-1, 4, List.of("nickname"), aString)))
        .hasMessageContaining("'nickname'")
        .hasMessageContaining("no such column");
    assertThat(refusal(update(-1, 4, List.of("id"), aString)))
        .hasMessageContaining("'id'")
        .hasMessageContaining("primary-key");
    assertThat(refusal(update(-1, 4, List.of("name", "name"), aString)))
        .hasMessageContaining("twice");
    // a zero-column encoding reads as null: refused for the non-null column it names
    assertThat(refusal(update(-1, 4, List.of("name"), new byte[] {0})))
        .hasMessageContaining("'name'")
        .hasMessageContaining("null");
    assertThat(refusal(update(-1, 4, List.of("score"), new byte[] {7, 7})))
        .hasMessageContaining("do not decode");
    Response.Got got = (Response.Got) call(new Request.Get(TABLE, key(4)));
    assertThat(ROWS.decode(got.row())).isEqualTo(new Row(4L, "dan", 1.0));
  }
}
