package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The client's warnings reach the application's SLF4J binding (here logback, as a test binding
 * only) at WARN with the node named, and without a stack trace.
 */
@Timeout(60)
class ClientWarningsTest {
  private final Logger logger =
      (Logger) LoggerFactory.getLogger("io.floe.client.impl.NodeConnection");
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

  @BeforeEach
  void capture() {
    captured.start();
    logger.addAppender(captured);
  }

  @AfterEach
  void release() {
    logger.detachAppender(captured);
  }

  private List<String> warnings() {
    synchronized (captured.list) {
      return captured.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .peek(e -> assertThat(e.getThrowableProxy()).as("no stack trace").isNull())
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  @Test
  void aRequestGivenUpAtItsDeadlineIsWarnedAboutNamingTheNode() throws IOException {
    // Accepts a connection but never answers.
    try (ServerSocket silent = new ServerSocket(0)) {
      String endpoint = "127.0.0.1:" + silent.getLocalPort();
      try (FloeClient client =
          FloeClient.connect(
              ClientConfig.of(endpoint).withRequestTimeout(Duration.ofMillis(200)))) {
        // The first ping opens the connection, which may take longer than its deadline on a busy
        // machine; the second is sent on the open connection and is given up unanswered.
        CompletableFuture<?> opening = client.pingAsync(endpoint);
        try (Socket connection = silent.accept()) {
          assertThat(opening).failsWithin(Duration.ofSeconds(10));
          assertThatThrownBy(() -> Blocking.join(client.pingAsync(endpoint)))
              .isInstanceOf(FloeTimeoutException.class);
        }

        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(warnings())
                        .anySatisfy(
                            w ->
                                assertThat(w)
                                    .contains("request(s) to " + endpoint + " at their deadline")));
      }
    }
  }

  @Test
  void aConnectionLostUnderARequestIsWarnedAbout() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      String endpoint = "127.0.0.1:" + server.getLocalPort();
      // Reads the first byte of a request, then hangs up.
      CompletableFuture<Void> hangUp =
          CompletableFuture.runAsync(
              () -> {
                try (Socket socket = server.accept()) {
                  socket.getInputStream().read();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (FloeClient client =
          FloeClient.connect(
              ClientConfig.of(endpoint).withRequestTimeout(Duration.ofMillis(2000)))) {
        assertThatThrownBy(() -> Blocking.join(client.pingAsync(endpoint)))
            .isInstanceOf(RuntimeException.class);
        hangUp.join();

        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(warnings())
                        .anySatisfy(
                            w ->
                                assertThat(w)
                                    .startsWith("Connection to Floe node " + endpoint + " lost")
                                    .contains("1 request(s) in flight failed")));
      }
    }
  }

  @Test
  void closingTheClientUnderARequestIsNotWarnedAbout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      String endpoint = "127.0.0.1:" + silent.getLocalPort();
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return silent.accept();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      FloeClient client = FloeClient.connect(endpoint);
      CompletableFuture<?> unanswered = client.pingAsync(endpoint);
      try (Socket connection = accepted.join()) {
        connection.getInputStream().read(); // the ping is in flight
        client.close();
      }

      assertThat(unanswered).isCompletedExceptionally();
      assertThat(warnings()).noneMatch(w -> w.startsWith("Connection to"));
    }
  }
}
