package io.floe.client.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.client.control.FakeControlApi.Received;
import io.floe.core.format.Json;
import io.floe.core.table.Durability;
import io.floe.core.table.SchemaParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every call of {@link ControlClient} against {@link FakeControlApi}, and its failure modes. */
@Timeout(30)
class ControlClientTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private FakeControlApi fake() throws IOException {
    FakeControlApi fake = FakeControlApi.start();
    open.add(fake);
    return fake;
  }

  private ControlClient client(String... urls) {
    return client(ControlConfig.of(urls));
  }

  private ControlClient client(ControlConfig config) {
    ControlClient client = ControlClient.connect(config);
    open.add(client);
    return client;
  }

  private static JsonNode body(Received request) {
    return Json.read("request", request.body());
  }

  private static Received last(FakeControlApi fake) {
    List<Received> all = fake.received();
    return all.get(all.size() - 1);
  }

  @Test
  void createsListsDescribesDropsAndUndropsTables() throws IOException {
    FakeControlApi fake = fake();
    ControlClient client = client(fake.url());
    var schema = SchemaParser.fromNode(FakeControlApi.schema());

    TableView created =
        client.createTable(
            new NewTable("db.users", schema, 4, 2, Durability.S3, Duration.ofDays(1)));
    assertThat(created.name()).isEqualTo("db.users");
    assertThat(created.partitions()).isEqualTo(4);
    assertThat(created.durability()).isEqualTo(Durability.S3);
    assertThat(created.ttlMs()).isEqualTo(86_400_000L);
    assertThat(created.schema()).isEqualTo(schema);
    assertThat(created.placement()).isEmpty();
    JsonNode sent = body(last(fake));
    assertThat(sent.get("ttl-ms").asLong()).isEqualTo(86_400_000L);
    assertThat(sent.get("durability").asText()).isEqualTo("s3");
    assertThat(SchemaParser.fromNode(sent.get("schema"))).isEqualTo(schema);

    client.createTable(new NewTable("db.small", schema, 1, 1, null, null));
    JsonNode defaults = body(last(fake));
    assertThat(defaults.has("durability")).isFalse();
    assertThat(defaults.has("ttl-ms")).isFalse();

    assertThat(client.listTables(false))
        .extracting(TableView::name)
        .containsExactlyInAnyOrder("db.users", "db.small");

    TableView described = client.describeTable("db.users");
    assertThat(described.partitions()).isEqualTo(4);
    assertThat(described.placement()).hasSize(4);
    TableView.PartitionView p0 = described.placement().get(0);
    assertThat(p0.leader()).isEqualTo("n1");
    assertThat(p0.term()).isEqualTo(3);
    assertThat(p0.replicas())
        .containsExactly(
            new TableView.ReplicaView("n1", "127.0.0.1:7401", "leader", true, "normal", 42, 0),
            new TableView.ReplicaView("n2", "127.0.0.1:7402", "follower", true, "normal", 42, 2));

    TableView dropped = client.dropTable("db.users");
    assertThat(dropped.dropped()).isTrue();
    assertThat(dropped.dropTimeMs()).isEqualTo(1_700_000_000_000L);
    assertThat(last(fake).method()).isEqualTo("DELETE");
    assertThat(client.listTables(false)).extracting(TableView::name).containsExactly("db.small");
    assertThat(last(fake).query()).isNull();
    assertThat(client.listTables(true)).hasSize(2);
    assertThat(last(fake).query()).isEqualTo("dropped=true");

    assertThat(client.undropTable("db.users").state()).isEqualTo(TableView.ACTIVE);
    assertThat(last(fake).path()).isEqualTo("/v1/tables/db.users/undrop");
  }

  @Test
  void nsRowsKeepOpenMldbColumnsInOrderAndFilterByTable() throws IOException {
    FakeControlApi fake = fake().table("db.a").table("db.b");
    ControlClient client = client(fake.url());

    List<Map<String, Object>> rows = client.showTable("db.a");
    assertThat(last(fake).query()).isEqualTo("table=db.a");
    assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.get("name")).isEqualTo("db.a"));
    assertThat(rows.get(0).keySet())
        .containsExactly(
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
    assertThat(rows.get(0).get("offset")).isEqualTo(42L);
    assertThat(client.showTable(null)).hasSize(8);
    assertThat(last(fake).query()).isNull();

    assertThat(client.showTablet())
        .containsExactly(
            Map.of("endpoint", "127.0.0.1:7401", "node", "n1", "state", "kHealthy", "age", "5m12s"),
            Map.of(
                "endpoint", "127.0.0.1:7402", "node", "n2", "state", "kHealthy", "age", "5m10s"));
    assertThat(client.getTableStatus("db.b").get(0).keySet())
        .containsExactly("tid", "pid", "endpoint", "role", "state", "offset", "is_alive");
  }

  @Test
  void getsAndSetsConfig() throws IOException {
    FakeControlApi fake = fake();
    ControlClient client = client(fake.url());
    assertThat(client.config()).containsExactly(Map.entry("auto_failover", "true"));

    assertThat(client.setConfig("auto_failover", "false"))
        .containsExactly(Map.entry("auto_failover", "false"));
    Received put = last(fake);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.path()).isEqualTo("/v1/config/auto_failover");
    assertThat(body(put).get("value").asText()).isEqualTo("false");

    assertThatThrownBy(() -> client.setConfig("no_such", "1"))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ControlApiException.INVALID_ARGUMENT);
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("unknown config name 'no_such'");
            });
  }

  @Test
  void asynchronousCommandsPostTheContractBodiesAndAnswerOperationIds() throws IOException {
    FakeControlApi fake = fake().table("db.t");
    ControlClient client = client(fake.url());

    assertThat(client.changeLeader("db.t", 1, "auto")).isEqualTo(1);
    assertPosted(fake, "changeleader", "{\"table\":\"db.t\",\"pid\":1,\"endpoint\":\"auto\"}");
    assertThat(client.offlineEndpoint("127.0.0.1:7401")).isEqualTo(2);
    assertPosted(fake, "offlineendpoint", "{\"endpoint\":\"127.0.0.1:7401\"}");
    assertThat(client.recoverEndpoint("n1")).isEqualTo(3);
    assertPosted(fake, "recoverendpoint", "{\"endpoint\":\"n1\"}");
    client.recoverTable("db.t", 0, "n2");
    assertPosted(fake, "recovertable", "{\"table\":\"db.t\",\"pid\":0,\"endpoint\":\"n2\"}");
    client.updateTableAlive("db.t", 1, "n2", false);
    assertPosted(
        fake,
        "updatetablealive",
        "{\"table\":\"db.t\",\"endpoint\":\"n2\",\"alive\":\"no\",\"pid\":1}");
    client.updateTableAliveAllPartitions("db.t", "n2", true);
    assertPosted(
        fake,
        "updatetablealive",
        "{\"table\":\"db.t\",\"endpoint\":\"n2\",\"alive\":\"yes\",\"pid\":\"*\"}");
    client.addReplica("db.t", 1, "n3");
    assertPosted(fake, "addreplica", "{\"table\":\"db.t\",\"pid\":1,\"endpoint\":\"n3\"}");
    client.delReplica("db.t", 1, "n3");
    assertPosted(fake, "delreplica", "{\"table\":\"db.t\",\"pid\":1,\"endpoint\":\"n3\"}");
    assertThat(client.loadTable("db.t", 1, "n3")).isEqualTo(9);
    assertPosted(fake, "loadtable", "{\"table\":\"db.t\",\"pid\":1,\"endpoint\":\"n3\"}");

    assertThat(client.migrate("n1", "db.t", List.of(0, 1), "n3")).containsExactly(10L, 11L);
    assertPosted(
        fake,
        "migrate",
        "{\"src_endpoint\":\"n1\",\"table\":\"db.t\",\"pids\":[0,1],\"des_endpoint\":\"n3\"}");
  }

  private static void assertPosted(FakeControlApi fake, String command, String json) {
    Received request = last(fake);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/ns/" + command);
    assertThat(body(request)).isEqualTo(Json.read("expected", json));
  }

  @Test
  void listsGetsAndCancelsOperations() throws IOException {
    FakeControlApi fake = fake().table("db.t").table("db.u").operationsEnd(1000, "done");
    ControlClient client = client(fake.url());
    long first = client.changeLeader("db.t", 0, "auto");
    long second = client.changeLeader("db.t", 1, "auto");
    client.changeLeader("db.u", 1, "auto");

    assertThat(client.operations(null, null)).hasSize(3);
    List<Operation> ofT = client.operations("db.t", null);
    assertThat(ofT).extracting(Operation::opId).containsExactly(second, first);
    assertThat(client.operations("db.t", 1)).extracting(Operation::opId).containsExactly(second);
    assertThat(last(fake).query()).isEqualTo("table=db.t&pid=1");

    Operation op = client.operation(first);
    assertThat(op.type()).isEqualTo("ChangeLeader");
    assertThat(op.table()).isEqualTo("db.t");
    assertThat(op.pid()).isZero();
    assertThat(op.status()).isEqualTo(Operation.DOING);
    assertThat(op.startTime()).hasToString("2026-12-02T07:00:00Z");
    assertThat(op.endTime()).isNull();
    assertThat(op.currentTask()).isEqualTo("prepare");
    assertThat(op.detail()).containsExactly(Map.entry("requested_by", "test"));
    assertThat(op.ended()).isFalse();

    Operation canceled = client.cancelOperation(first);
    assertThat(canceled.status()).isEqualTo(Operation.CANCELED);
    assertThat(canceled.reason()).isEqualTo("canceled by request");
    assertThatThrownBy(() -> client.cancelOperation(first))
        .isInstanceOfSatisfying(
            ControlApiException.class, e -> assertThat(e.code()).isEqualTo("CONFLICT"));
    assertThatThrownBy(() -> client.operation(99))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> assertThat(e.code()).isEqualTo(ControlApiException.OPERATION_NOT_FOUND));
  }

  @Test
  void awaitOperationPollsUntilTheOperationEnds() throws IOException {
    FakeControlApi fake = fake().table("db.t").operationsEnd(3, Operation.DONE);
    ControlClient client = client(fake.url());
    long op = client.changeLeader("db.t", 0, "auto");

    Operation done = client.awaitOperation(op, Duration.ofSeconds(20));
    assertThat(done.succeeded()).isTrue();
    assertThat(done.endTime()).hasToString("2026-12-02T07:00:01.200Z");
    assertThat(fake.received()).filteredOn(r -> r.path().equals("/v1/ops/" + op)).hasSize(3);
  }

  @Test
  void awaitOperationAnswersAFailedOperationAndTimesOutOnOneThatGoesOn() throws IOException {
    FakeControlApi fake = fake().table("db.t").operationsEnd(1, Operation.FAILED);
    ControlClient client = client(fake.url());
    Operation failed =
        client.awaitOperation(client.recoverTable("db.t", 0, "n1"), Duration.ofSeconds(10));
    assertThat(failed.ended()).isTrue();
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.reason()).isEqualTo("replica not alive");

    fake.operationsEnd(Integer.MAX_VALUE, Operation.DONE);
    long slow = client.recoverTable("db.t", 0, "n1");
    assertThatThrownBy(() -> client.awaitOperation(slow, Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            OperationWaitTimeoutException.class,
            e -> {
              assertThat(e.last().opId()).isEqualTo(slow);
              assertThat(e.getMessage()).contains("still doing", "at task prepare");
            });
  }

  @Test
  void problemsBecomeExceptionsWithTheirMembers() throws IOException {
    FakeControlApi fake = fake();
    ControlClient client = client(fake.url());
    assertThatThrownBy(() -> client.describeTable("db.none"))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.code()).isEqualTo(ControlApiException.TABLE_NOT_FOUND);
              assertThat(e.title()).isEqualTo("table not found");
              assertThat(e.detail()).isEqualTo("no table db.none");
              assertThat(e.leader()).isNull();
              assertThat(e.call()).isEqualTo("GET " + fake.url() + "/v1/tables/db.none");
              assertThat(e.getMessage())
                  .startsWith("TABLE_NOT_FOUND: no table db.none [GET ")
                  .endsWith(" answered 404]");
            });
  }

  @Test
  void anErrorThatIsNotAProblemKeepsItsStatusAndBody() throws IOException {
    FakeControlApi fake =
        fake().answer("GET", "/v1/tables", 502, "text/html", "<html>Bad gateway</html>");
    ControlClient client = client(fake.url());
    assertThatThrownBy(() -> client.listTables(false))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.code()).isNull();
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.getMessage()).startsWith("HTTP 502: <html>Bad gateway</html>");
            });
  }

  @Test
  void aWriteToANonLeaderFollowsTheLeaderOnceAndRemembersIt() throws IOException {
    FakeControlApi leader = fake().table("db.t");
    FakeControlApi follower = fake().notLeader(leader.url());
    ControlClient client = client(follower.url());

    assertThat(client.changeLeader("db.t", 0, "auto")).isEqualTo(1);
    assertThat(follower.received()).hasSize(1);
    assertThat(leader.received()).hasSize(1);
    assertThat(client.preferredUrl()).isEqualTo(leader.url());

    client.changeLeader("db.t", 1, "auto");
    assertThat(follower.received()).hasSize(1);
    assertThat(leader.received()).hasSize(2);
  }

  @Test
  void aSecondNotLeaderOrOneWithoutALeaderIsThrown() throws IOException {
    FakeControlApi alone = fake().notLeader(null);
    ControlClient client = client(alone.url());
    assertThatThrownBy(() -> client.offlineEndpoint("n1"))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ControlApiException.NOT_LEADER);
              assertThat(e.status()).isEqualTo(421);
              assertThat(e.leader()).isNull();
            });

    FakeControlApi a = fake();
    FakeControlApi b = fake().notLeader(a.url());
    a.notLeader(b.url());
    ControlClient pingPong = client(a.url());
    assertThatThrownBy(() -> pingPong.offlineEndpoint("n1"))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ControlApiException.NOT_LEADER);
              assertThat(e.leader()).isEqualTo(a.url());
            });
    assertThat(a.received()).hasSize(1);
    assertThat(b.received()).hasSize(1);
  }

  @Test
  void aReplicaThatCannotBeReachedIsPassedOverAndTheNextRemembered() throws IOException {
    FakeControlApi fake = fake();
    String dead = deadUrl();
    ControlClient client = client(dead, fake.url());
    assertThat(client.health()).isEqualTo(new Health("UP", true));
    assertThat(client.preferredUrl()).isEqualTo(fake.url());

    ControlClient none = client(dead, deadUrl());
    assertThatThrownBy(none::showTablet)
        .isInstanceOfSatisfying(
            ControlUnreachableException.class,
            e -> {
              assertThat(e.outcomeUnknown()).isFalse();
              assertThat(e.getMessage()).startsWith("cannot reach the control plane: " + dead);
            });
  }

  @Test
  void aConnectionBrokenDuringAWriteIsNotSentElsewhereButAReadIs() throws Exception {
    FakeControlApi fake = fake().table("db.t");
    try (ServerSocket breaker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptAndClose =
          new Thread(
              () -> {
                while (!breaker.isClosed()) {
                  try (Socket s = breaker.accept()) {
                    s.getInputStream().read(new byte[64]);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptAndClose.setDaemon(true);
      acceptAndClose.start();
      String broken = "http://127.0.0.1:" + breaker.getLocalPort();
      ControlClient client = client(broken, fake.url());

      assertThatThrownBy(() -> client.changeLeader("db.t", 0, "auto"))
          .isInstanceOfSatisfying(
              ControlUnreachableException.class,
              e -> {
                assertThat(e.outcomeUnknown()).isTrue();
                assertThat(e.getMessage()).contains("may or may not have been applied");
              });
      assertThat(fake.received()).isEmpty();

      assertThat(client.showTablet()).hasSize(2);
      assertThat(fake.received()).hasSize(1);
    }
  }

  @Test
  void anAnswerThatIsNotJsonOrNotTheContractsShapeIsAClearError() throws IOException {
    FakeControlApi fake =
        fake()
            .answer("GET", "/v1/ns/showtablet", 200, "application/json", "<html>oops</html>")
            .answer("GET", "/v1/tables", 200, "application/json", "{\"tables\": [{\"name\": 1}]}")
            .answer("GET", "/v1/ops/5", 200, "application/json", "{\"op_id\": 5}")
            .answer("GET", "/v1/ns/showtable", 200, "application/json", "{\"rows\": [1]}");
    ControlClient client = client(fake.url());

    assertThatThrownBy(client::showTablet)
        .isInstanceOf(ControlResponseException.class)
        .hasMessageContaining("GET " + fake.url() + "/v1/ns/showtablet")
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> client.listTables(false))
        .isInstanceOf(ControlResponseException.class)
        .hasMessageContaining("tables[0].name must be a string, found 1");
    assertThatThrownBy(() -> client.operation(5))
        .isInstanceOf(ControlResponseException.class)
        .hasMessageContaining("op_type is required but missing");
    assertThatThrownBy(() -> client.showTable(null))
        .isInstanceOf(ControlResponseException.class)
        .hasMessageContaining("rows[0] must be an object");
  }

  @Test
  void sendsTheBearerTokenAndMapsItsAbsenceToUnauthenticated() throws IOException {
    FakeControlApi fake = fake().requireToken("s3cret");
    assertThat(client(ControlConfig.of(fake.url()).withToken("s3cret")).showTablet()).hasSize(2);
    assertThat(last(fake).auth()).isEqualTo("Bearer s3cret");

    assertThatThrownBy(() -> client(fake.url()).showTablet())
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.code()).isEqualTo(ControlApiException.UNAUTHENTICATED);
            });
  }

  @Test
  void baseUrlsAreNormalizedAndBadOnesNamed() {
    assertThat(ControlConfig.normalize("cp-1:7080/")).isEqualTo("http://cp-1:7080");
    assertThat(ControlConfig.normalize(" https://cp.example ")).isEqualTo("https://cp.example");
    assertThatThrownBy(() -> ControlConfig.normalize("ftp://cp-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ftp://cp-1' must be http(s)://host[:port]");
    assertThatThrownBy(() -> ControlConfig.of())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void onlyUnreachableAnd503AreTransient() {
    assertThat(ControlErrors.isTransient(new ControlUnreachableException("x", false, null)))
        .isTrue();
    assertThat(ControlErrors.isTransient(problem(503, "UNAVAILABLE"))).isTrue();
    assertThat(ControlErrors.isTransient(problem(503, "ERR_UNDER_RECOVERY"))).isTrue();
    assertThat(ControlErrors.isTransient(problem(409, "CONFLICT"))).isFalse();
    assertThat(ControlErrors.isTransient(problem(500, "INTERNAL"))).isFalse();
    assertThat(ControlErrors.isTransient(new ControlResponseException("x", null))).isFalse();
  }

  private static ControlApiException problem(int status, String code) {
    return new ControlApiException("GET x", status, code, null, null, null);
  }

  private static String deadUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }
}
