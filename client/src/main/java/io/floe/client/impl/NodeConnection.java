package io.floe.client.impl;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.Frame;
import io.floe.core.protocol.FrameDecoder;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.floe.core.protocol.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to a node, pipelined: requests get ids, any number are in flight, responses
 * are matched by id in whatever order they come. Callers on any thread enqueue; the event loop
 * drains the queue in bursts: consecutive writes to a table coalesced into batch frames by {@link
 * WriteCoalescer}, every frame of the burst encoded into one buffer, one write and one flush. A
 * periodic sweep fails requests past their deadline, and reports the node silent when requests have
 * waited {@code suspectAfter} with no frame coming back at all (a node that answers anything, even
 * slowly, is not silent); whoever listens may then {@link #abandon} the connection.
 */
final class NodeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(NodeConnection.class);
  private static final long SWEEP_MILLIS = 20;

  /**
   * A drain's frames share one buffer, written out once it holds this much: a buffer, a write
   * through the pipeline and an entry in the socket's outbound queue per burst rather than per
   * request.
   */
  static final int BURST_BYTES = 64 << 10;

  private static final int BURST_START_BYTES = 4 << 10;
  // Requests given up at their deadline are warned about at most this often per connection, with
  // a count: an overloaded node would otherwise flood the application's log.
  private static final long EXPIRY_WARNING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String endpoint;
  private final Channel channel;
  private final int maxBatch;
  private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Outgoing> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private int nextId;
  private ByteBuf burst; // event loop only: the frames of the drain under way, not yet written
  private volatile boolean closing;
  private int expiredUnreported; // event loop only
  private long lastExpiryWarning = System.nanoTime() - EXPIRY_WARNING_NANOS; // event loop only
  private final long suspectAfterNanos;
  private final Consumer<NodeConnection> onSilent;
  private int framesHeard; // event loop only
  private int framesHeardAtSweep; // event loop only
  private long quietSinceNanos = System.nanoTime(); // event loop only
  private long silenceReportedNanos; // event loop only; 0: not reported in this silence
  private volatile String abandonedBecause;

  private NodeConnection(
      String endpoint,
      Channel channel,
      int maxBatch,
      long suspectAfterNanos,
      Consumer<NodeConnection> onSilent) {
    this.endpoint = endpoint;
    this.channel = channel;
    this.maxBatch = maxBatch;
    this.suspectAfterNanos = suspectAfterNanos;
    this.onSilent = onSilent;
  }

  /**
   * The client's buffers: direct, unpooled, not sampled for leaks. A frame lives from its write to
   * its flush, an answer until it is decoded, so pooling saves little, and Netty's pooled arenas
   * and its 1-in-128 leak records are code an application's JVM compiles in its first seconds,
   * besides a stack trace per record. Measured with YCSB A at 16 threads (4 alternated pairs, the
   * same allocator set through Netty's system properties): the cold phase's client CPU 15.5 against
   * 18.2 µs per operation (its JIT threads' part 2.0 against 3.1), warm unchanged.
   */
  private static final ByteBufAllocator BUFFERS = new UnpooledByteBufAllocator(true, true);

  /** A dead node is dialled many times a second by retries: warn about it now and then. */
  private static final WarningLimiter CONNECT_WARNINGS = new WarningLimiter();

  /** Connects without blocking: safe to call from an event loop (a callback of a request). */
  static CompletableFuture<NodeConnection> open(
      EventLoopGroup group, String endpoint, long connectTimeoutMillis, int maxBatch) {
    return open(group, endpoint, connectTimeoutMillis, maxBatch, Long.MAX_VALUE, c -> {});
  }

  /**
   * As {@link #open(EventLoopGroup, String, long, int)}, calling {@code onSilent} on the event loop
   * (at most once per {@code suspectAfterNanos} while it lasts) when requests have waited that long
   * with nothing heard from the node.
   */
  static CompletableFuture<NodeConnection> open(
      EventLoopGroup group,
      String endpoint,
      long connectTimeoutMillis,
      int maxBatch,
      long suspectAfterNanos,
      Consumer<NodeConnection> onSilent) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("endpoint '" + endpoint + "' is not host:port"));
    }
    NodeConnection[] holder = new NodeConnection[1];
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(Transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, BUFFERS)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new FrameDecoder(), new ResponseHandler(holder));
                  }
                });
    CompletableFuture<NodeConnection> opened = new CompletableFuture<>();
    ChannelFuture connect =
        bootstrap.connect(
            endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            if (CONNECT_WARNINGS.due(endpoint)) {
              LOG.warn(
                  "Cannot connect to Floe node {} (said at most every {} s): {}",
                  endpoint,
                  WarningLimiter.INTERVAL.toSeconds(),
                  f.cause().toString());
            } else {
              LOG.debug("Cannot connect to Floe node {}: {}", endpoint, f.cause().toString());
            }
            opened.completeExceptionally(
                new FloeConnectionException(
                    "cannot connect to " + endpoint + ": " + f.cause(), false, f.cause()));
            return;
          }
          NodeConnection connection =
              new NodeConnection(
                  endpoint, connect.channel(), maxBatch, suspectAfterNanos, onSilent);
          holder[0] = connection;
          connection.scheduleSweep();
          opened.complete(connection);
        });
    return opened;
  }

  String endpoint() {
    return endpoint;
  }

  /** Runs {@code action} when this connection closes (at once if it has). */
  void whenClosed(Runnable action) {
    channel.closeFuture().addListener(f -> action.run());
  }

  boolean isActive() {
    return channel.isActive();
  }

  /** Sends {@code request}; it fails with a timeout if unanswered at {@code deadlineNanos}. */
  CompletableFuture<Response> send(Request request, long deadlineNanos) {
    CompletableFuture<Response> future = new CompletableFuture<>();
    if (!channel.isActive()) {
      future.completeExceptionally(
          new FloeConnectionException("connection to " + endpoint + " is closed", false, null));
      return future;
    }
    queue.add(new Outgoing(request, deadlineNanos, future));
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
    return future;
  }

  /** On the event loop: writes everything queued, coalescing writes, then flushes once. */
  private void drain() {
    drainScheduled.set(false);
    WriteCoalescer coalescer = new WriteCoalescer(maxBatch, this::write);
    Outgoing next;
    while ((next = queue.poll()) != null) {
      if (!coalescer.offer(next)) {
        write(
            next.request(),
            InFlight.single(next.request().opcode(), next.deadlineNanos(), next.future()));
      }
    }
    coalescer.finish();
    writeBurst();
    channel.flush();
  }

  /** Appends {@code request}'s frame to the burst; one that cannot be encoded fails alone. */
  private void write(Request request, InFlight pending) {
    int id = ++nextId;
    if (!channel.isActive()) {
      pending.fail(
          new FloeConnectionException("connection to " + endpoint + " is closed", false, null));
      return;
    }
    if (burst == null) {
      burst =
          channel
              .alloc()
              .buffer(
                  Math.max(
                      BURST_START_BYTES,
                      Frames.LENGTH_BYTES + Frames.HEADER_BYTES + bodyHint(request)));
    }
    int start = burst.writerIndex();
    try {
      Frames.begin(burst, request.opcode().code(), id);
      RequestCodec.encode(request, burst);
      Frames.end(burst, start);
    } catch (RuntimeException e) {
      burst.writerIndex(start);
      pending.fail(e);
      return;
    }
    inFlight.put(id, pending);
    if (burst.readableBytes() >= BURST_BYTES) {
      writeBurst();
    }
  }

  private void writeBurst() {
    ByteBuf frames = burst;
    burst = null;
    if (frames == null) {
      return;
    }
    if (frames.isReadable()) {
      channel.write(frames, channel.voidPromise());
    } else {
      frames.release();
    }
  }

  /** Room for the body up front: a row outgrowing the buffer would cost a copy per request. */
  static int bodyHint(Request request) {
    if (request instanceof Request.Put put) {
      return put.table().length() + put.row().length + 8;
    }
    if (request instanceof Request.Update update) {
      return update.table().length() + update.key().length + update.values().length + 64;
    }
    if (request instanceof Request.BatchWrite batch) {
      int size = batch.table().length() + 8;
      for (Request.Write w : batch.writes()) {
        size += w.bytes().length + 5;
      }
      return size;
    }
    return 64;
  }

  private void received(Frame frame) {
    framesHeard++;
    InFlight pending = inFlight.remove(frame.requestId());
    if (pending == null) {
      return; // timed out already
    }
    try {
      pending.complete(ResponseCodec.decode(pending.opcode, frame.opcode(), frame.body()));
    } catch (RuntimeException e) {
      pending.fail(e);
    }
  }

  private void scheduleSweep() {
    channel.eventLoop().schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    long now = System.nanoTime();
    inFlight.entrySet().removeIf(e -> expire(e.getValue(), now));
    watchSilence(now);
    if (expiredUnreported > 0 && now - lastExpiryWarning >= EXPIRY_WARNING_NANOS) {
      LOG.warn(
          "Gave up {} request(s) to {} at their deadline without an answer (a write's outcome is"
              + " unknown); the node may be overloaded or unreachable",
          expiredUnreported,
          endpoint);
      expiredUnreported = 0;
      lastExpiryWarning = now;
    }
    if (channel.isActive()) {
      scheduleSweep();
    }
  }

  /**
   * Silence: requests waiting and no frame heard since the last sweep, for {@code suspectAfter}.
   * Reported once per that interval while it lasts, so a listener can look again (the partition may
   * move only later).
   */
  private void watchSilence(long now) {
    if (inFlight.isEmpty() || framesHeard != framesHeardAtSweep) {
      framesHeardAtSweep = framesHeard;
      quietSinceNanos = now;
      silenceReportedNanos = 0;
      return;
    }
    if (now - quietSinceNanos >= suspectAfterNanos
        && (silenceReportedNanos == 0 || now - silenceReportedNanos >= suspectAfterNanos)) {
      silenceReportedNanos = now;
      try {
        onSilent.accept(this);
      } catch (RuntimeException e) {
        LOG.warn("Silence listener of {} failed", endpoint, e);
      }
    }
  }

  /** How long requests have waited with nothing heard from the node (0 when not silent). */
  long silentForNanos() {
    long since = quietSinceNanos;
    return inFlight.isEmpty() ? 0 : Math.max(0, System.nanoTime() - since);
  }

  /**
   * Gives up the connection and every request on it now, with {@code why}: requests in flight fail
   * as sent (a write's outcome is unknown), queued ones as unsent. Any thread.
   */
  void abandon(String why) {
    abandonedBecause = why;
    channel.close();
  }

  private boolean expire(InFlight pending, long now) {
    if (now - pending.deadlineNanos < 0) {
      return false;
    }
    pending.fail(new FloeTimeoutException(pending.opcode + " to " + endpoint + " timed out"));
    expiredUnreported++;
    return true;
  }

  private void closed(Throwable cause) {
    String abandoned = abandonedBecause;
    String why =
        abandoned != null
            ? "gave up on " + endpoint + ": " + abandoned
            : "connection to " + endpoint + " closed";
    warnClosed(cause, abandoned);
    FloeConnectionException error = new FloeConnectionException(why, true, cause);
    inFlight.values().forEach(p -> p.fail(error));
    inFlight.clear();
    Outgoing queued;
    while ((queued = queue.poll()) != null) {
      queued.future().completeExceptionally(new FloeConnectionException(why, false, cause));
    }
  }

  /** Closed by the application, it is not news; lost under requests, it is worth a warning. */
  private void warnClosed(Throwable cause, String abandoned) {
    int failed = inFlight.size() + queue.size();
    if (abandoned != null) {
      LOG.warn(
          "Gave up on Floe node {}: {}; {} request(s) waiting on it failed (a write's outcome is"
              + " unknown)",
          endpoint,
          abandoned,
          failed);
      return;
    }
    if (closing || (failed == 0 && cause == null)) {
      LOG.debug("Connection to {} closed", endpoint);
      return;
    }
    LOG.warn(
        "Connection to Floe node {} lost{}; {} request(s) in flight failed (a write's outcome is"
            + " unknown)",
        endpoint,
        cause == null ? "" : ": " + cause,
        failed);
  }

  void close() {
    closing = true;
    channel.close().syncUninterruptibly();
  }

  /** Routes response frames to the connection; fails everything in flight when the channel dies. */
  private static final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private final NodeConnection[] connection;
    private Throwable failure;

    ResponseHandler(NodeConnection[] connection) {
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Frame frame = (Frame) msg;
      try {
        connection[0].received(frame);
      } finally {
        frame.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failure = cause;
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connection[0] != null) {
        connection[0].closed(failure);
      }
    }
  }
}
