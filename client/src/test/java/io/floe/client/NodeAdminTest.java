package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.client.impl.FakeNode;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Response.GetAnyResult;
import io.floe.core.protocol.Response.HandedOver;
import io.floe.core.protocol.Response.Prepared;
import io.floe.core.protocol.TermStart;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin calls against a fake node: the frames they send, the answers and errors they give. */
@Timeout(30)
class NodeAdminTest {
  private static final byte[] KEY = {0, 0, 0, 7};
  private static final byte[] ROW = {1, 2, 3};

  private FakeNode node;
  private NodeAdmin admin;

  @AfterEach
  void close() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (node != null) {
      node.close();
    }
  }

  /** Answers as a replica would, so each call's request and answer can be checked. */
  private static Response replica(Request request) {
    if (request instanceof Request.PrepareTerm p) {
      return new Response.Prepared(
          p.term(), 41, 3, List.of(new TermStart(1, 0), new TermStart(3, 17)));
    }
    if (request instanceof Request.HandOver) {
      return new Response.HandedOver(41, 9);
    }
    if (request instanceof Request.GetAny g) {
      return new Response.GetAnyResult(g.key()[3] == 7 ? ROW : null, 41);
    }
    return new Response.Ack();
  }

  @Test
  void eachCallSendsItsRequestOnOneConnectionAndReturnsTheAnswer() throws Exception {
    node = new FakeNode(NodeAdminTest::replica);
    admin = NodeAdmin.connect(node.endpoint());

    Prepared prepared = admin.prepareTerm("db.t", 3, 5);
    assertThat(prepared)
        .isEqualTo(new Prepared(5, 41, 3, List.of(new TermStart(1, 0), new TermStart(3, 17))));
    assertThat(admin.handOver("db.t", 3, 5, "node-b")).isEqualTo(new HandedOver(41, 9));
    GetAnyResult found = admin.getAny("db.t", KEY);
    assertThat(found.rowOrNull()).isEqualTo(ROW);
    assertThat(found.appliedOffset()).isEqualTo(41);
    GetAnyResult missing = admin.getAny("db.t", new byte[] {0, 0, 0, 8});
    assertThat(missing.rowOrNull()).isNull();

    assertThat(node.received)
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            new Request.Ping(),
            new Request.PrepareTerm("db.t", 3, 5),
            new Request.HandOver("db.t", 3, 5, "node-b"),
            new Request.GetAny("db.t", KEY),
            new Request.GetAny("db.t", new byte[] {0, 0, 0, 8}));
    assertThat(node.connections).hasValue(1);
  }

  @Test
  void errorFramesComeBackAsTheClientsTypedExceptionsAndKeepTheConnection() throws Exception {
    node =
        new FakeNode(
            request -> {
              if (request instanceof Request.PrepareTerm) {
                return new Response.Error(ErrorCode.FENCED, "replica is in term 9", "9");
              }
              if (request instanceof Request.HandOver) {
                return new Response.Error(
                    ErrorCode.PARTITION_LOADING, "the target did not catch up", "");
              }
              if (request instanceof Request.GetAny) {
                return new Response.Error(ErrorCode.NOT_LEADER, "not hosted", "10.0.0.2:7400");
              }
              return new Response.Ack();
            });
    admin = NodeAdmin.connect(node.endpoint());

    assertThatThrownBy(() -> admin.prepareTerm("db.t", 0, 4))
        .isInstanceOfSatisfying(FencedException.class, e -> assertThat(e.term()).isEqualTo(9));
    assertThatThrownBy(() -> admin.handOver("db.t", 0, 4, "node-b"))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_LOADING);
              assertThat(e.reason()).isEqualTo("the target did not catch up");
            });
    assertThatThrownBy(() -> admin.getAny("db.t", KEY))
        .isInstanceOfSatisfying(
            NotLeaderException.class,
            e -> assertThat(e.leaderEndpoint()).isEqualTo("10.0.0.2:7400"));
    assertThat(node.connections).hasValue(1);
    assertThat(node.received).hasSize(4);
  }

  @Test
  void anUnansweredCallTimesOutAtItsDeadline() throws Exception {
    node =
        new FakeNode(
            request -> request instanceof Request.Ping ? new Response.Ack() : FakeNode.SILENCE);
    admin = NodeAdmin.connect(node.endpoint(), Duration.ofMillis(300));
    assertThatThrownBy(() -> admin.handOver("db.t", 0, 4, "node-b"))
        .isInstanceOf(FloeTimeoutException.class);
  }

  /**
   * A hand-over answers only once its target caught up (up to the node's hand-over timeout, 5 s by
   * default): a call that long is no sign of a silent node, and must get the node's answer rather
   * than be given up after the client's suspect interval (1 s) as a silent seed's would.
   */
  @Test
  void aCallAnsweredAfterLongerThanTheSuspectIntervalGetsItsAnswer() throws Exception {
    Duration slow = ClientConfig.SUSPECT_AFTER_DEFAULT.multipliedBy(3);
    node =
        new FakeNode(
            request -> {
              if (request instanceof Request.HandOver) {
                try {
                  Thread.sleep(slow.toMillis());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return replica(request);
            });
    admin = NodeAdmin.connect(node.endpoint());
    long started = System.nanoTime();
    assertThat(admin.handOver("db.t", 3, 5, "node-b")).isEqualTo(new HandedOver(41, 9));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(slow);
  }

  @Test
  void aConnectionTheNodeClosedIsOpenedAgainForALaterCall() throws Exception {
    node = new FakeNode(NodeAdminTest::replica);
    admin = NodeAdmin.connect(node.endpoint());
    node.hangUpAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(FloeConnectionException.class)
        .until(() -> admin.handOver("db.t", 1, 2, "node-c") != null);
    assertThat(node.connections).hasValue(2);
  }

  @Test
  void noNodeAtTheEndpointFailsTheConnectWithNothingSent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> NodeAdmin.connect("127.0.0.1:" + port))
        .isInstanceOfSatisfying(FloeConnectionException.class, e -> assertThat(e.sent()).isFalse());
  }
}
