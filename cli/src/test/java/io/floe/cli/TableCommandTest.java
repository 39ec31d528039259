package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.cli.CliRun.Result;
import io.floe.client.control.FakeControlApi;
import io.floe.core.format.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe table} against {@link FakeControlApi}. */
@Timeout(60)
class TableCommandTest {
  private static final String SCHEMA =
      "{\"columns\": [{\"name\": \"id\", \"type\": \"int64\", \"nullable\": false},"
          + " {\"name\": \"v\", \"type\": \"string\", \"nullable\": true}], \"primary-key\": [\"id\"]}";

  @TempDir Path home;
  private FakeControlApi fake;
  private CliRun cli;

  @BeforeEach
  void start() throws IOException {
    fake = FakeControlApi.start();
    cli = new CliRun(home);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Result table(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "--endpoint";
    all[1] = fake.url();
    all[2] = "table";
    System.arraycopy(args, 0, all, 3, args.length);
    return cli.run(all);
  }

  private FakeControlApi.Received last() {
    List<FakeControlApi.Received> all = fake.received();
    return all.get(all.size() - 1);
  }

  @Test
  void createSendsTheSchemaAndOptionsAndPrintsTheTable() {
    Result created =
        table(
            "create",
            "db.kv",
            "--schema",
            SCHEMA,
            "--partitions",
            "8",
            "--replicas",
            "3",
            "--durability",
            "s3",
            "--ttl",
            "1d");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.lines())
        .containsExactly(
            "  name   tid  partitions  replicas  durability  ttl  state",
            "-".repeat(59),
            "  db.kv  1    8           3         s3          1d   active");
    JsonNode sent = Json.read("sent", last().body());
    assertThat(sent.get("partitions").asInt()).isEqualTo(8);
    assertThat(sent.get("replicas").asInt()).isEqualTo(3);
    assertThat(sent.get("durability").asText()).isEqualTo("s3");
    assertThat(sent.get("ttl-ms").asLong()).isEqualTo(86_400_000L);
    assertThat(sent.get("schema").get("format-version").asInt()).isEqualTo(1);
    assertThat(sent.get("schema").get("primary-key").get(0).asText()).isEqualTo("id");
  }

  @Test
  void createReadsTheSchemaFromAFileAndLeavesDurabilityToTheServer() throws IOException {
    Path file = Files.writeString(home.resolve("schema.json"), SCHEMA);
    Result created =
        table(
            "create",
            "db.f",
            "--schema",
            file.toString(),
            "--partitions",
            "1",
            "--replicas",
            "1",
            "--json");
    assertThat(created.exitCode()).as(created.err()).isZero();
    JsonNode view = Json.read("out", created.out());
    assertThat(view.get("durability").asText()).isEqualTo("memory");
    assertThat(view.get("ttl-ms").isNull()).isTrue();
    assertThat(Json.read("sent", last().body()).has("durability")).isFalse();
  }

  @Test
  void aWrongSchemaOrOptionIsABadCommandLineAndSendsNothing() {
    Result noFile =
        table("create", "db.x", "--schema", "nope.json", "--partitions", "1", "--replicas", "1");
    assertThat(noFile.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noFile.err()).contains("--schema: no file 'nope.json'");

    Result badType =
        table(
            "create",
            "db.x",
            "--schema",
            SCHEMA.replace("int64", "int128"),
            "--partitions",
            "1",
            "--replicas",
            "1");
    assertThat(badType.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badType.err()).contains("unknown type 'int128'");

    Result badDurability =
        table(
            "create",
            "db.x",
            "--schema",
            SCHEMA,
            "--partitions",
            "1",
            "--replicas",
            "1",
            "--durability",
            "disk");
    assertThat(badDurability.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badDurability.err()).contains("'disk' must be memory, replicated or s3");

    Result missing = table("create", "db.x", "--schema", SCHEMA);
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("--partitions");
    assertThat(fake.received()).isEmpty();
  }

  @Test
  void listDescribeDropAndUndrop() {
    fake.table("db.a").table("db.b");
    assertThat(table("list").lines()).hasSize(4);

    Result described = table("describe", "db.a");
    assertThat(described.exitCode()).isZero();
    List<String> lines = described.lines();
    assertThat(lines.get(2)).startsWith("  db.a").contains("replicated");
    assertThat(lines.get(4).split("\\s+"))
        .containsExactly("", "column", "type", "nullable", "primary_key");
    assertThat(lines.get(6)).matches("  id +int64 +no +1");
    assertThat(lines.get(7)).matches("  name +string +yes +-");
    assertThat(lines.get(9).split("\\s+"))
        .containsExactly(
            "",
            "pid",
            "term",
            "leader",
            "node",
            "endpoint",
            "role",
            "alive",
            "state",
            "offset",
            "lag");
    assertThat(lines.subList(11, lines.size())).hasSize(4);
    assertThat(lines.get(12))
        .matches("  0 +3 +n1 +n2 +127\\.0\\.0\\.1:7402 +follower +yes +normal +42 +2");

    JsonNode json = Json.read("out", table("describe", "db.a", "--json").out());
    assertThat(json.get("partitions").asInt()).isEqualTo(2);
    assertThat(json.get("assignments").isArray()).isTrue();
    assertThat(json.get("schema").get("columns")).hasSize(2);

    assertThat(table("drop", "db.a").lines().get(2)).endsWith("dropped");
    assertThat(table("list").lines()).hasSize(3);
    assertThat(Json.read("out", table("list", "--dropped", "--json").out()).get("tables"))
        .hasSize(2);
    assertThat(table("undrop", "db.a").lines().get(2)).endsWith("active");

    Result none = table("drop", "db.none");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(none.err()).startsWith("floe: TABLE_NOT_FOUND: no table db.none");
  }
}
