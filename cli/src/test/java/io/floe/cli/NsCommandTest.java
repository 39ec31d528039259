package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.cli.CliRun.Result;
import io.floe.client.control.FakeControlApi;
import io.floe.client.control.Operation;
import io.floe.core.format.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe ns} against {@link FakeControlApi}: columns, JSON, operations and the prompt. */
@Timeout(60)
class NsCommandTest {
  @TempDir Path home;
  private FakeControlApi fake;
  private CliRun cli;

  @BeforeEach
  void start() throws IOException {
    fake = FakeControlApi.start().table("db.t");
    cli = new CliRun(home);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Result ns(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "-e";
    all[1] = fake.url();
    all[2] = "ns";
    System.arraycopy(args, 0, all, 3, args.length);
    return cli.run(all);
  }

  @Test
  void showtabletPrintsOpenMldbsHeaderDashesAndAlignedRows() {
    Result result = ns("showtablet");
    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.lines())
        .containsExactly(
            "  endpoint        node  state     age",
            "-".repeat(39),
            "  127.0.0.1:7401  n1    kHealthy  5m12s",
            "  127.0.0.1:7402  n2    kHealthy  5m10s");
  }

  @Test
  void showtableAndGettablestatusKeepOpenMldbsColumnsInOrder() {
    Result showtable = ns("showtable", "db.t");
    assertThat(showtable.exitCode()).isZero();
    assertThat(showtable.lines().get(0).split("\\s+"))
        .containsExactly(
            "",
            "name",
            "tid",
            "pid",
            "endpoint",
            "role",
            "ttl",
            "is_alive",
            "compress_type",
            "offset",
            "record_cnt",
            "memused");
    assertThat(showtable.lines()).hasSize(2 + 4);
    assertThat(showtable.lines().get(2))
        .matches(
            "  db\\.t +1 +0 +127\\.0\\.0\\.1:7401 +leader +0min +yes +kNoCompress +42 +7 +1\\.2 KiB");

    Result status = ns("gettablestatus");
    assertThat(status.lines().get(0).split("\\s+"))
        .containsExactly("", "tid", "pid", "endpoint", "role", "state", "offset", "is_alive");
  }

  @Test
  void jsonPrintsTheControlApisRows() {
    Result result = ns("showtablet", "--json");
    assertThat(result.exitCode()).isZero();
    JsonNode rows = Json.read("out", result.out()).get("rows");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("endpoint").asText()).isEqualTo("127.0.0.1:7401");

    Result before = cli.run("--json", "-e", fake.url(), "ns", "confget");
    assertThat(Json.read("out", before.out()).get("auto_failover").asText()).isEqualTo("true");
  }

  @Test
  void confgetAndConfset() {
    assertThat(ns("confget").lines())
        .containsExactly("  key            value", "-".repeat(22), "  auto_failover  true");
    Result set = ns("confset", "auto_failover", "false");
    assertThat(set.exitCode()).isZero();
    assertThat(set.lines()).contains("  auto_failover  false");
    assertThat(ns("confget", "auto_failover").lines()).contains("  auto_failover  false");

    Result unknown = ns("confset", "no_such", "1");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(unknown.err()).startsWith("floe: INVALID_ARGUMENT: unknown config name 'no_such'");
  }

  @Test
  void operationCommandsPrintTheOperationIdOrWaitForIt() {
    fake.operationsEnd(2, Operation.DONE);
    Result started = ns("changeleader", "db.t", "1");
    assertThat(started.exitCode()).isZero();
    assertThat(started.out()).isEqualTo("started operation 1\n");
    JsonNode body = Json.read("sent", fake.received().get(0).body());
    assertThat(body.get("endpoint").asText()).isEqualTo("auto");

    Result json = ns("recovertable", "db.t", "0", "n2", "--json");
    assertThat(Json.read("out", json.out()).get("op_id").asLong()).isEqualTo(2);

    Result waited = ns("changeleader", "db.t", "0", "n2", "--wait");
    assertThat(waited.exitCode()).isZero();
    assertThat(waited.lines().get(0).split("\\s+"))
        .containsExactly(
            "",
            "op_id",
            "op_type",
            "name",
            "pid",
            "status",
            "start_time",
            "execute_time",
            "end_time",
            "cur_task",
            "reason");
    assertThat(waited.lines().get(2))
        .matches("  3 +ChangeLeader +db\\.t +0 +done +2026-12-02T07:00:00Z +1\\.2s .*");

    Result migrate = ns("migrate", "n1", "db.t", "0,2-3", "n3", "--json");
    assertThat(Json.read("out", migrate.out()).get("op_ids")).hasSize(3);
    assertThat(Json.read("sent", last().body()).get("pids").toString()).isEqualTo("[0,2,3]");

    Result aliveResult = ns("updatetablealive", "db.t", "*", "n2", "no");
    assertThat(aliveResult.exitCode()).as(aliveResult.err()).isZero();
    JsonNode alive = Json.read("sent", last().body());
    assertThat(alive.get("pid").asText()).isEqualTo("*");
    assertThat(alive.get("alive").asText()).isEqualTo("no");

    assertThat(ns("offlineendpoint", "n1").exitCode()).isZero();
    assertThat(ns("recoverendpoint", "n1").exitCode()).isZero();
    assertThat(ns("addreplica", "db.t", "1", "n3").exitCode()).isZero();
    assertThat(ns("delreplica", "db.t", "1", "n3").exitCode()).isZero();
    assertThat(ns("loadtable", "db.t", "1", "n3").exitCode()).isZero();
    assertThat(last().path()).isEqualTo("/v1/ns/loadtable");
  }

  private FakeControlApi.Received last() {
    List<FakeControlApi.Received> all = fake.received();
    return all.get(all.size() - 1);
  }

  @Test
  void anAwaitedOperationThatFailsOrDoesNotEndExitsFour() {
    fake.operationsEnd(1, Operation.FAILED);
    Result failed = ns("recovertable", "db.t", "0", "n2", "--wait");
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.OPERATION_FAILED);
    assertThat(failed.out()).contains("failed", "replica not alive");
    assertThat(failed.err())
        .isEqualTo("floe: operation 1 (RecoverTable) failed: replica not alive\n");

    fake.operationsEnd(Integer.MAX_VALUE, Operation.DONE);
    Result slow = ns("recovertable", "db.t", "0", "n2", "--wait", "--wait-timeout", "200ms");
    assertThat(slow.exitCode()).isEqualTo(ExitCodes.OPERATION_FAILED);
    assertThat(slow.err()).contains("operation 2 (RecoverTable) is still doing");
  }

  @Test
  void showopstatusAndCancelop() {
    fake.operationsEnd(Integer.MAX_VALUE, Operation.DONE);
    ns("changeleader", "db.t", "0");
    ns("changeleader", "db.t", "1");
    Result ops = ns("showopstatus", "db.t", "1");
    assertThat(ops.lines()).hasSize(3);
    assertThat(ops.lines().get(2)).startsWith("  2  ").contains("ChangeLeader", "doing", "prepare");
    assertThat(last().query()).isEqualTo("table=db.t&pid=1");

    Result canceled = ns("cancelop", "2", "--json");
    assertThat(canceled.exitCode()).isZero();
    assertThat(Json.read("out", canceled.out()).get("ops").get(0).get("status").asText())
        .isEqualTo("canceled");
    Result again = ns("cancelop", "2");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(again.err()).startsWith("floe: CONFLICT: operation 2 already ended");
  }

  @Test
  void exitCodesForTheServersRefusalAndABadCommandLine() {
    Result missing = ns("showtable", "db.none", "extra");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);

    Result refused = ns("recovertable", "db.none", "0", "n1");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(refused.err()).startsWith("floe: TABLE_NOT_FOUND: no table db.none [POST ");

    Result unknown = ns("showtabelt");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("showtabelt").contains("showtablet");

    Result badPid = ns("changeleader", "db.t", "x");
    assertThat(badPid.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badPid.err()).contains("<pid>").contains("'x'");

    Result badAlive = ns("updatetablealive", "db.t", "0", "n1", "maybe");
    assertThat(badAlive.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badAlive.err()).contains("'maybe' must be yes or no");

    Result badGroup = ns("migrate", "n1", "db.t", "3-1", "n2");
    assertThat(badGroup.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badGroup.err()).contains("'3-1' in '3-1' is an empty range");

    Result badWait = ns("offlineendpoint", "n1", "--wait-timeout", "soon");
    assertThat(badWait.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badWait.err()).contains("'soon' is not a duration");
    assertThat(fake.received())
        .extracting(FakeControlApi.Received::path)
        .containsExactly("/v1/ns/recovertable");
  }

  @Test
  void anUnreachableControlPlaneExitsThreeNamingWhereTheEndpointCameFrom() throws IOException {
    String dead;
    try (var socket = new java.net.ServerSocket(0)) {
      dead = "http://127.0.0.1:" + socket.getLocalPort();
    }
    Result result = cli.run("ns", "showtablet", "-e", dead);
    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err())
        .startsWith("floe: cannot reach the control plane: " + dead)
        .contains("(endpoint from --endpoint)");
  }

  @Test
  void thePromptRunsEachLineAndGoesOnAfterAnError() {
    cli.stdin(
        "showtablet\n\nbogus\nshowtable db.none\nchangeleader db.t 0 'n 2'\nquit\nshowtablet\n");
    Result result = ns();
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("> ")
        .contains("  127.0.0.1:7401  n1    kHealthy  5m12s")
        .contains("started operation 1");
    assertThat(result.out().split("> ", -1)).hasSize(7);
    assertThat(result.err()).contains("floe: Unmatched argument at index 1: 'bogus'");
    assertThat(Json.read("sent", last().body()).get("endpoint").asText()).isEqualTo("n 2");
    assertThat(fake.received())
        .extracting(FakeControlApi.Received::path)
        .containsExactly("/v1/ns/showtablet", "/v1/ns/showtable", "/v1/ns/changeleader");
  }

  @Test
  void thePromptEndsAtTheEndOfInputAndKeepsJson() {
    cli.stdin("confget");
    Result result = cli.run("--json", "-e", fake.url(), "ns");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("> {")
        .contains("\"auto_failover\" : \"true\"")
        .endsWith("> \n");
  }
}
