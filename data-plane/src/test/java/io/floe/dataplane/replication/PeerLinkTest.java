package io.floe.dataplane.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A replication link against a peer on a real socket that reads every frame and answers none. */
class PeerLinkTest {
  @Test
  void aPeerThatNeverAnswersIsConnectedToAgainAfterTheAnswerTimeout() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger bytesRead = new AtomicInteger();
    List<Socket> open = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    Socket s = silent.accept();
                    open.add(s);
                    accepted.incrementAndGet();
                    Thread reader =
                        new Thread(
                            () -> {
                              byte[] buf = new byte[8192];
                              try (InputStream in = s.getInputStream()) {
                                int n;
                                while ((n = in.read(buf)) >= 0) {
                                  bytesRead.addAndGet(n);
                                }
                              } catch (IOException e) {
                                // closed by the link: what the test waits for
                              }
                            });
                    reader.setDaemon(true);
                    reader.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      Properties p = new Properties();
      p.setProperty(ReplicationSettings.HEARTBEAT, "50ms");
      p.setProperty(ReplicationSettings.ANSWER_TIMEOUT, "400ms");
      EventLoopGroup group = Transport.eventLoops("peer-link-test", 1);
      Replicator replicator =
          new Replicator("a", group, ReplicationSettings.from(p), (log, term) -> {});
      try {
        ReplicaLog log = new ReplicaLog(1, 0, 1 << 20);
        log.lead(1, 0, List.of("b"));
        replicator.lead(log, Map.of("b", "127.0.0.1:" + silent.getLocalPort()));
        // Heartbeats go out and nothing comes back: after the timeout the link opens a new
        // connection rather than waiting on the silent one for ever.
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() >= 2);
        assertThat(bytesRead.get()).isPositive();
      } finally {
        replicator.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        for (Socket s : open) {
          s.close();
        }
      }
    }
  }
}
