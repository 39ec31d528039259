package io.floe.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpProxyTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  private EchoServer echo;
  private TcpProxy proxy;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    proxy = TcpProxy.start("127.0.0.1", echo.port());
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBytesBothWays() throws IOException {
    Socket c = connect();

    assertThat(roundTrip(c, "hello")).isEqualTo("hello");
    assertThat(proxy.endpoint()).isEqualTo("127.0.0.1:" + proxy.port());
    assertThat(proxy.port()).isNotEqualTo(echo.port());
  }

  @Test
  void blackholeHoldsEveryByteOfOldAndNewConnectionsUntilHeal() throws IOException {
    Socket old = connect();
    assertThat(roundTrip(old, "before")).isEqualTo("before");
    long received = echo.bytesReceived();
    int upstreamConnections = echo.connectionsAccepted();

    proxy.blackhole();
    send(old, "during");
    Socket fresh = connect();
    send(fresh, "new");

    assertNothingArrives(old);
    assertNothingArrives(fresh);
    assertThat(echo.bytesReceived()).isEqualTo(received);
    assertThat(echo.connectionsAccepted()).isEqualTo(upstreamConnections);

    proxy.heal();
    assertThat(read(old, "during".length())).isEqualTo("during");
    assertThat(read(fresh, "new".length())).isEqualTo("new");
    assertThat(roundTrip(old, "after")).isEqualTo("after");
  }

  @Test
  void blackholeFromOneSourceHoldsOnlyItsConnectionsUntilHeal() throws IOException {
    Socket peer = connectFrom("127.0.0.12");
    Socket other = connect();
    assertThat(roundTrip(peer, "before")).isEqualTo("before");

    proxy.blackholeFrom("127.0.0.12");
    send(peer, "held");
    Socket peerAgain = connectFrom("127.0.0.12");
    send(peerAgain, "new");

    assertThat(roundTrip(other, "still")).isEqualTo("still");
    assertThat(roundTrip(connectFrom("127.0.0.13"), "also")).isEqualTo("also");
    assertNothingArrives(peer);
    assertNothingArrives(peerAgain);

    proxy.heal();
    assertThat(read(peer, "held".length())).isEqualTo("held");
    assertThat(read(peerAgain, "new".length())).isEqualTo("new");
  }

  @Test
  void resetBreaksCurrentConnectionsAndKeepsAccepting() throws IOException {
    Socket c = connect();
    assertThat(roundTrip(c, "x")).isEqualTo("x");
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionCount() == 1);

    proxy.reset();

    assertEndOfStreamOrReset(c);
    assertThat(proxy.connectionCount()).isZero();
    assertThat(roundTrip(connect(), "again")).isEqualTo("again");
  }

  @Test
  void resetDuringBlackholeDropsHeldConnections() throws IOException {
    proxy.blackhole();
    Socket c = connect();
    send(c, "held");
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionCount() == 1);

    proxy.reset();
    proxy.heal();

    assertEndOfStreamOrReset(c);
    assertThat(echo.bytesReceived()).isZero();
  }

  @Test
  void delayHoldsEachChunkInEachDirection() throws IOException {
    Duration delay = Duration.ofMillis(150);
    proxy.delay(delay);
    Socket c = connect();

    long started = System.nanoTime();
    assertThat(roundTrip(c, "slow")).isEqualTo("slow");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // A lower bound only: the injected latency, not a speed, is what is checked.
    assertThat(took).isGreaterThanOrEqualTo(delay.multipliedBy(2));
    assertThatThrownBy(() -> proxy.delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must not be negative");
  }

  @Test
  void closeFreesThePortAndEndsConnections() throws IOException {
    Socket c = connect();
    assertThat(roundTrip(c, "x")).isEqualTo("x");
    int port = proxy.port();

    proxy.close();

    assertEndOfStreamOrReset(c);
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  /** A connection to the proxy leaving from {@code source}, a loopback address. */
  private Socket connectFrom(String source) throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.bind(new java.net.InetSocketAddress(source, 0));
    s.connect(new java.net.InetSocketAddress("127.0.0.1", proxy.port()));
    s.setSoTimeout(5_000);
    return s;
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.port());
    s.setSoTimeout(5_000);
    clients.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(Socket s, int bytes) throws IOException {
    return new String(s.getInputStream().readNBytes(bytes), StandardCharsets.UTF_8);
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    send(s, text);
    return read(s, text.length());
  }

  /** No byte comes back within {@link #QUIET} (a read timeout, not a sleep). */
  private static void assertNothingArrives(Socket s) throws IOException {
    int timeout = s.getSoTimeout();
    s.setSoTimeout((int) QUIET.toMillis());
    try {
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      s.setSoTimeout(timeout);
    }
  }

  private static void assertEndOfStreamOrReset(Socket s) {
    try {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection is still open", e);
    } catch (SocketException e) {
      assertThat(e.getMessage()).containsIgnoringCase("reset");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Echoes every byte back on each connection; counts what reached it. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();

    EchoServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      threads.execute(this::acceptLoop);
    }

    int port() {
      return listener.getLocalPort();
    }

    long bytesReceived() {
      return received.get();
    }

    int connectionsAccepted() {
      return (int) accepted.get();
    }

    private void acceptLoop() {
      while (true) {
        try {
          Socket s = listener.accept();
          accepted.incrementAndGet();
          threads.execute(() -> echo(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void echo(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
          received.addAndGet(n);
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the proxy reset the connection
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      threads.shutdownNow();
    }
  }
}
