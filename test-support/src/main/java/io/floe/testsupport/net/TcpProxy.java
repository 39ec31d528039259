package io.floe.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between two components of a test cluster, so that a fault test can partition, break
 * or slow down one link without touching the processes at either end: it listens on a free loopback
 * port and forwards every connection it accepts to one target.
 *
 * <ul>
 *   <li>{@link #blackhole()} is a network partition: connections stay open but no byte moves either
 *       way, and new connections are accepted but not connected onwards. As TCP would after a
 *       partition heals, whatever was sent meanwhile is delivered after {@link #heal()}, in order.
 *   <li>{@link #reset()} closes every current connection abruptly (a TCP reset on both sides), as a
 *       crashed middlebox or a restarted peer would; new connections are forwarded as before.
 *   <li>{@link #blackholeFrom(String)} is the same partition for the connections coming from one
 *       source address only: with each component connecting from a loopback address of its own
 *       ({@code 127.0.0.11}, {@code 127.0.0.12} …), one link of many that reach a node through the
 *       proxy can be cut alone.
 *   <li>{@link #delay(Duration)} holds every chunk of bytes that long before passing it on.
 * </ul>
 *
 * <p>Blocking sockets, two daemon threads per connection: a test's handful of links, not a load.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();

  /** Guards {@link #blackholed} and {@link #closed}; waited on by links held by a blackhole. */
  private final Object gate = new Object();

  private boolean blackholed;
  private final Set<InetAddress> blackholedSources = new java.util.HashSet<>();
  private boolean closed;
  private volatile Duration delay = Duration.ZERO;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger count = new AtomicInteger();
    int port = listener.getLocalPort();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "tcp-proxy-" + port + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Starts a proxy forwarding to {@code host:port}. */
  public static TcpProxy start(String host, int port) {
    return start(new InetSocketAddress(host, port));
  }

  /** Starts a proxy forwarding to {@code target}. */
  public static TcpProxy start(InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    try {
      return new TcpProxy(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a listening port for a proxy to " + target, e);
    }
  }

  /** The port clients should connect to instead of the target's. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code 127.0.0.1:port}: the endpoint clients should use instead of the target's. */
  public String endpoint() {
    return "127.0.0.1:" + port();
  }

  /** Connections open through the proxy now (those held by a blackhole included). */
  public int connectionCount() {
    return links.size();
  }

  /** Partitions the link: from now on no byte is forwarded, on old or new connections. */
  public TcpProxy blackhole() {
    synchronized (gate) {
      blackholed = true;
    }
    return this;
  }

  /**
   * Partitions the connections from {@code sourceHost} (an IP address) as {@link #blackhole()}
   * partitions all of them; connections from elsewhere go on.
   */
  public TcpProxy blackholeFrom(String sourceHost) {
    InetAddress source;
    try {
      source = InetAddress.getByName(sourceHost);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an address: " + sourceHost, e);
    }
    synchronized (gate) {
      blackholedSources.add(source);
    }
    return this;
  }

  /**
   * Ends every blackhole, whole or {@linkplain #blackholeFrom from one source}: held bytes and
   * connections go through, in the order they came.
   */
  public TcpProxy heal() {
    synchronized (gate) {
      blackholed = false;
      blackholedSources.clear();
      gate.notifyAll();
    }
    return this;
  }

  /** Closes every current connection with a reset; the proxy keeps accepting new ones. */
  public TcpProxy reset() {
    List.copyOf(links).forEach(Link::abort);
    return this;
  }

  /** Holds every chunk forwarded, in either direction, for {@code delay} (zero: none). */
  public TcpProxy delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    this.delay = delay;
    return this;
  }

  /**
   * Stops listening and resets every connection; returns once the proxy's threads ended, so the
   * port is free (a thread still blocked in {@code accept} would hold the listening socket open).
   */
  @Override
  public void close() {
    synchronized (gate) {
      closed = true;
      gate.notifyAll();
    }
    try {
      listener.close();
    } catch (IOException e) {
      // closing: nothing left to do with the listener
    }
    reset();
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "proxy on port "
                + port()
                + " still has threads running after "
                + CLOSE_TIMEOUT_MS
                + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // listener closed
      }
      Link link = new Link(client);
      links.add(link);
      if (isClosed()) {
        link.abort(); // close() ran between accept and registration
        return;
      }
      run(link::connect, link);
    }
  }

  private boolean isClosed() {
    synchronized (gate) {
      return closed;
    }
  }

  private void run(Runnable task, Link link) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException e) {
      link.abort(); // the proxy is closing
    }
  }

  /**
   * Waits while the proxy is blackholed. False when the link or the proxy closed meanwhile: the
   * caller drops what it holds.
   */
  private boolean awaitForwarding(Link link) {
    synchronized (gate) {
      while ((blackholed || blackholedSources.contains(link.source)) && !closed && !link.aborted) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed && !link.aborted;
    }
  }

  private boolean holdFor(Duration d) {
    if (d.isZero()) {
      return true;
    }
    try {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000); // the injected latency itself
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One accepted connection and, once connected, its connection to the target. */
  private final class Link {
    private final Socket client;
    private final InetAddress source;
    private volatile Socket upstream;
    private volatile boolean aborted;
    private final AtomicInteger directionsDone = new AtomicInteger();

    Link(Socket client) {
      this.client = client;
      this.source = client.getInetAddress();
    }

    /** Connects onwards (after any blackhole: a partition lets no handshake through either). */
    void connect() {
      if (!awaitForwarding(this)) {
        abort();
        return;
      }
      Socket server = new Socket();
      try {
        // Small chunks go on at once, both ways, as between the two ends without the proxy: with
        // Nagle's algorithm a pipelined protocol's small frames wait for the peer's delayed ACK
        // (40 ms a round trip here).
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(target, CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        closeQuietly(server);
        abort(); // the client sees the refusal as a reset
        return;
      }
      upstream = server;
      if (aborted) {
        abort(); // reset() ran while connecting: close the new socket too
        return;
      }
      run(() -> pump(client, server), this);
      run(() -> pump(server, client), this);
    }

    /** Copies {@code from} to {@code to} chunk by chunk; its end of stream becomes a half-close. */
    private void pump(Socket from, Socket to) {
      byte[] chunk = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(chunk)) >= 0) {
          if (!awaitForwarding(this) || !holdFor(delay)) {
            abort();
            return;
          }
          out.write(chunk, 0, n);
          out.flush();
        }
        if (!awaitForwarding(this)) {
          abort();
          return;
        }
        to.shutdownOutput();
        if (directionsDone.incrementAndGet() == 2) {
          close();
        }
      } catch (IOException e) {
        abort(); // either side failed: the other sees a reset, as across a real broken link
      }
    }

    private void close() {
      links.remove(this);
      closeQuietly(client);
      Socket server = upstream;
      if (server != null) {
        closeQuietly(server);
      }
    }

    /** Closes both sides with a reset (SO_LINGER 0) and releases pumps held by a blackhole. */
    void abort() {
      aborted = true;
      synchronized (gate) {
        gate.notifyAll();
      }
      links.remove(this);
      resetQuietly(client);
      Socket server = upstream;
      if (server != null) {
        resetQuietly(server);
      }
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (IOException e) {
      // already gone: closing below is all that is left
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing left to do with it
    }
  }
}
