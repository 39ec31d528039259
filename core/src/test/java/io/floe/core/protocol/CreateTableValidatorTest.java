package io.floe.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import io.floe.core.table.SchemaValidator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CreateTableValidatorTest {
  static final Schema SCHEMA =
      new Schema(
          0,
          List.of(
              new Column("user_id", ColumnType.INT64, false),
              new Column("email", ColumnType.STRING, true),
              new Column("score", ColumnType.FLOAT64, true)),
          List.of("user_id"));
  static final CreateTable VALID =
      new CreateTable("shop.users", 42, SchemaParser.toJson(SCHEMA), 8, Durability.S3);

  private static CreateTable with(String table, long id, String schema, int partitions) {
    return new CreateTable(table, id, schema, partitions, Durability.MEMORY);
  }

  private static void refused(CreateTable request, ErrorCode code, String field) {
    assertThatThrownBy(() -> CreateTableValidator.validate(request))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.reason()).startsWith(field + ":");
            });
  }

  @Test
  void aValidRequestGivesItsSchema() {
    assertThat(CreateTableValidator.validate(VALID)).isEqualTo(SCHEMA);
  }

  @Test
  void everyFieldIsCheckedAndNamedInTheRefusal() {
    String schema = VALID.schemaJson();
    for (String bad :
        List.of(
            "",
            "users",
            ".users",
            "shop.",
            "shop.users.x",
            "1shop.users",
            "shop._users",
            "shop.us ers",
            "shop.us\u0000ers",
            "shöp.users",
            "shop." + "u".repeat(65))) {
      refused(with(bad, 42, schema, 8), ErrorCode.MALFORMED_REQUEST, "table");
    }
    refused(with("shop.users", 0, schema, 8), ErrorCode.MALFORMED_REQUEST, "table id");
    refused(with("shop.users", -5, schema, 8), ErrorCode.MALFORMED_REQUEST, "table id");
    refused(with("shop.users", 42, schema, 0), ErrorCode.MALFORMED_REQUEST, "partitions");
    refused(with("shop.users", 42, schema, 4097), ErrorCode.MALFORMED_REQUEST, "partitions");
    refused(with("shop.users", 42, "{", 8), ErrorCode.SCHEMA_VIOLATION, "schema");
    refused(
        with(
            "shop.users",
            42,
            SchemaParser.toJson(new Schema(0, SCHEMA.columns(), List.of("nope"))),
            8),
        ErrorCode.SCHEMA_VIOLATION,
        "schema");
    assertThat(CreateTableValidator.validate(with("a.b", 1, schema, 4096))).isEqualTo(SCHEMA);
  }

  @Test
  void stringsThatAreNotUtf8AreMalformedNotReplaced() {
    byte[] body = encode(VALID);
    int nameStart = 2;
    body[nameStart] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
    assertThatThrownBy(() -> RequestCodec.decode(Opcode.CREATE_TABLE, Unpooled.wrappedBuffer(body)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("table: not well-formed UTF-8");
  }

  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}\\.[A-Za-z][A-Za-z0-9_]{0,63}");

  /**
   * Thousands of random byte flips of a valid frame body: each mutant is refused with a protocol
   * error, or is a request that is valid by an independent reading of the rules and re-encodes to
   * exactly its bytes (nothing the node acts on differs from what was sent).
   */
  @Test
  void mutantsOfAValidRequestAreRefusedOrGenuinelyValid() {
    byte[] valid = encode(VALID);
    Random random = new Random(20261129L);
    int accepted = 0;
    int mutants = 5_000;
    for (int i = 0; i < mutants; i++) {
      byte[] mutant = mutate(valid, random);
      CreateTable request;
      try {
        request =
            (CreateTable) RequestCodec.decode(Opcode.CREATE_TABLE, Unpooled.wrappedBuffer(mutant));
        CreateTableValidator.validate(request);
      } catch (FloeRequestException e) {
        assertThat(e.code()).isIn(ErrorCode.MALFORMED_REQUEST, ErrorCode.SCHEMA_VIOLATION);
        continue;
      }
      accepted++;
      String what = "mutant " + i + " of seed 20261129";
      assertThat(encode(request)).as(what).isEqualTo(mutant);
      assertThat(request.table()).as(what).matches(TABLE_NAME);
      assertThat(request.tableId()).as(what).isPositive();
      assertThat(request.partitions()).as(what).isBetween(1, 4096);
      assertThat(SchemaValidator.problems(SchemaParser.fromJson(request.schemaJson())))
          .as(what)
          .isEmpty();
    }
    // Both outcomes happen, so the run is exercising the checks and not just one path.
    assertThat(accepted).isBetween(1, mutants / 2);
  }

  /** Flips 1 to 3 random bits-patterns in random positions. */
  private static byte[] mutate(byte[] valid, Random random) {
    byte[] mutant = valid.clone();
    int flips = 1 + random.nextInt(3);
    for (int f = 0; f < flips; f++) {
      mutant[random.nextInt(mutant.length)] ^= (byte) (1 + random.nextInt(255));
    }
    return mutant;
  }

  private static byte[] encode(CreateTable request) {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(request, buf);
    return ByteBufUtil.getBytes(buf);
  }
}
