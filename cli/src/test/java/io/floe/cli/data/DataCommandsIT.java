package io.floe.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.cli.CliEnvironment;
import io.floe.cli.ExitCodes;
import io.floe.cli.Floe;
import io.floe.client.FloeClient;
import io.floe.client.control.FakeControlApi;
import io.floe.core.format.Json;
import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe put}, {@code get} and {@code scan} against a real data node (in memory, on a loopback
 * port) found through the fake control plane's {@code showtablet}.
 */
@Timeout(120)
class DataCommandsIT {
  private static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true),
              new Column("at", ColumnType.TIMESTAMP, true),
              new Column("blob", ColumnType.BYTES, true)),
          List.of("id"));

  @TempDir Path home;
  private DataNode node;
  private FakeControlApi fake;

  @BeforeEach
  void start() throws Exception {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(64L << 20));
    node = DataNode.start(NodeConfig.of(props));
    try (FloeClient client = FloeClient.connect(node.endpoint())) {
      client.createTable("db.users", 7, SCHEMA, 2, Durability.MEMORY);
    }
    fake = FakeControlApi.start().tablets(node.endpoint());
  }

  @AfterEach
  void stop() {
    fake.close();
    node.close();
  }

  private String[] run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "-e";
    all[1] = fake.url();
    System.arraycopy(args, 0, all, 2, args.length);
    int code =
        Floe.run(
            all,
            new CliEnvironment(Map.of(), home, new ByteArrayInputStream(new byte[0])),
            new PrintWriter(out),
            new PrintWriter(err));
    assertThat(code).as("exit code of %s, stderr: %s", List.of(args), err).isEqualTo(expectedExit);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void putsGetsAndScansRowsByColumnName() {
    String[] put =
        run(
            0,
            "put",
            "db.users",
            "{\"id\": 7, \"name\": \"x\", \"at\": \"2026-12-02T07:00:00Z\", \"blob\": \"AQID\"}");
    assertThat(put[0]).startsWith("ok, offset ");
    run(0, "put", "db.users", "{\"id\": 8}", "--json");
    run(0, "put", "db.users", "{\"id\": 3, \"name\": \"c\"}");

    JsonNode row = Json.read("out", run(0, "get", "db.users", "7", "--json")[0]);
    assertThat(row.get("name").asText()).isEqualTo("x");
    assertThat(row.get("at").asLong()).isEqualTo(1_796_194_800_000_000L);
    assertThat(row.get("blob").asText()).isEqualTo("AQID");

    List<String> lines = run(0, "get", "db.users", "7")[0].lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly("", "id", "name", "at", "blob");
    assertThat(lines.get(2)).matches("  7 +x +2026-12-02T07:00:00Z +AQID");

    assertThat(run(0, "get", "db.users", "99", "--json")[0].strip()).isEqualTo("null");
    assertThat(run(0, "get", "db.users", "99")[0].lines()).hasSize(2);

    JsonNode scanned = Json.read("out", run(0, "scan", "db.users", "--json")[0]);
    assertThat(scanned).extracting(r -> r.get("id").asLong()).containsExactly(3L, 7L, 8L);
    assertThat(run(0, "scan", "db.users", "--limit", "2")[0].lines()).hasSize(4);
  }

  @Test
  void aRowOrKeyThatDoesNotFitTheSchemaIsABadCommandLine() {
    String[] unknown = run(ExitCodes.USAGE, "put", "db.users", "{\"id\": 1, \"nmae\": \"x\"}");
    assertThat(unknown[1]).contains("nmae").contains("[id, name, at, blob]");
    String[] wrongType = run(ExitCodes.USAGE, "put", "db.users", "{\"id\": \"one\"}");
    assertThat(wrongType[1]).contains("column 'id' is int64, found \"one\"");
    String[] notJson = run(ExitCodes.USAGE, "put", "db.users", "{id: 1");
    assertThat(notJson[1]).contains("row: not valid JSON");
    String[] badKey = run(ExitCodes.USAGE, "get", "db.users", "seven");
    assertThat(badKey[1]).contains("column 'id' is int64, found seven");
    String[] keyCount = run(ExitCodes.USAGE, "get", "db.users", "1", "2");
    assertThat(keyCount[1]).contains("the key of this table is [id]: give 1 value(s), got 2");
    String[] noTable = run(ExitCodes.REFUSED, "scan", "db.none");
    assertThat(noTable[1]).startsWith("floe: ");
  }
}
