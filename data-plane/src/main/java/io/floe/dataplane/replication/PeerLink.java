package io.floe.dataplane.replication;

import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.Frame;
import io.floe.core.protocol.FrameDecoder;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.floe.core.protocol.Transport;
import io.floe.core.retry.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection from this node to one peer (replication.md §3), carrying the appends of every
 * partition this node leads with a follower there. Everything runs on one event loop of the node's
 * I/O threads, the one the connection is registered on: a write marks its partition dirty and
 * queues one send round there (however many writes come before it runs, one round sends them all,
 * in one APPEND frame of a block per partition); the round writes without waiting for earlier
 * answers, up to {@code replication.max-inflight-bytes} unanswered; answers are applied on the same
 * loop, in order. No thread of its own: a write costs a task on a loop, not a thread's wake-up.
 *
 * <p>A connection that breaks is opened again with back-off; every cursor on it then starts over
 * from what the follower reports.
 */
final class PeerLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  private final String localNode;
  private final String peerNode;
  private final ReplicationSettings settings;
  private final EventLoop loop;
  private final Replicator owner;
  private final Set<ReplicaLog> logs = ConcurrentHashMap.newKeySet();

  /**
   * Logs with something new to send since the last round: a write touches one partition, so a round
   * visits those, not every partition on the link; a full pass runs only for heartbeats.
   */
  private final Set<ReplicaLog> dirty = ConcurrentHashMap.newKeySet();

  /** A round is queued on the loop and has not started yet. */
  private final AtomicBoolean queued = new AtomicBoolean();

  private final Backoff backoff;
  private final ScheduledFuture<?> heartbeats;

  private volatile String endpoint;
  private volatile boolean closed;

  // ---- on the loop only ----
  private final ArrayDeque<Sent> inflight = new ArrayDeque<>();
  private long inflightBytes;
  private long lastFullPassNanos;
  private Channel channel;
  private boolean connecting;
  private long reconnectAtNanos;
  private int nextRequestId;
  private boolean failing;

  PeerLink(
      String localNode,
      String peerNode,
      String endpoint,
      ReplicationSettings settings,
      EventLoopGroup group,
      Replicator owner) {
    this.localNode = localNode;
    this.peerNode = peerNode;
    this.endpoint = endpoint;
    this.settings = settings;
    this.loop = group.next();
    this.owner = owner;
    this.backoff = new Backoff(settings.retry());
    long half = Math.max(1, settings.heartbeat().toNanos() / 2);
    this.heartbeats = loop.scheduleAtFixedRate(this::round, half, half, TimeUnit.NANOSECONDS);
  }

  String peerNode() {
    return peerNode;
  }

  /** The peer registered another endpoint: the connection moves there. */
  void endpoint(String newEndpoint) {
    if (!newEndpoint.equals(endpoint)) {
      endpoint = newEndpoint;
      loop.execute(
          () -> {
            if (channel != null) {
              channel.close();
            }
          });
    }
  }

  void add(ReplicaLog log) {
    if (logs.add(log)) {
      log.resetCursor(peerNode);
      wake(log);
    }
  }

  void remove(ReplicaLog log) {
    logs.remove(log);
    dirty.remove(log);
  }

  boolean isIdle() {
    return logs.isEmpty();
  }

  /** {@code log} has something new to send. */
  void wake(ReplicaLog log) {
    dirty.add(log);
    wake();
  }

  /** Something may be ready to send: one round is queued, however many ask. */
  private void wake() {
    if (!queued.get() && queued.compareAndSet(false, true)) {
      try {
        loop.execute(this::queuedRound);
      } catch (RejectedExecutionException e) {
        queued.set(false); // the loop is shutting down with the node
      }
    }
  }

  private void queuedRound() {
    queued.set(false);
    round();
  }

  // ---- on the loop ---------------------------------------------------------------------------

  private void round() {
    if (closed) {
      return;
    }
    try {
      Channel c = channel;
      if (c == null || !c.isActive()) {
        if (!logs.isEmpty() && !connecting && System.nanoTime() - reconnectAtNanos >= 0) {
          connect();
        }
      } else if (!answerOverdue(c)) {
        sendWhatIsDue(c, settings.heartbeat().toNanos());
      }
    } catch (RuntimeException e) {
      LOG.warn("replication to {} ({}): {}", peerNode, endpoint, e.toString());
    }
  }

  /**
   * True (and the connection closed, to be opened again) when the oldest unanswered APPEND waited
   * longer than {@code replication.answer-timeout}: the peer reads but does not answer, and without
   * this the link would wait on it for as long as the connection stays up.
   */
  private boolean answerOverdue(Channel c) {
    Sent oldest = inflight.peek();
    if (oldest == null) {
      return false;
    }
    long waited = System.nanoTime() - oldest.sentNanos;
    if (waited <= settings.answerTimeout().toNanos()) {
      return false;
    }
    LOG.warn(
        "replication to {} ({}): no answer to an APPEND for {} ms ({} unanswered); connecting again",
        peerNode,
        endpoint,
        waited / 1_000_000,
        inflight.size());
    c.close();
    return true;
  }

  private void connect() {
    String target = endpoint;
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      // The peer is not registered (yet): its endpoint comes with the next assignment change.
      retryLater();
      return;
    }
    connecting = true;
    Bootstrap bootstrap = new Bootstrap();
    if (!settings.sourceAddress().isEmpty()) {
      bootstrap.localAddress(settings.sourceAddress(), 0);
    }
    bootstrap
        .group(loop)
        .channel(Transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new FrameDecoder(), new AnswerHandler());
              }
            })
        .connect(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
        .addListener((ChannelFuture f) -> connected(f, target));
  }

  private void connected(ChannelFuture f, String target) {
    connecting = false;
    if (!f.isSuccess()) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "cannot connect to {} at {} for replication: {}",
            peerNode,
            target,
            String.valueOf(f.cause()));
      }
      retryLater();
      return;
    }
    if (closed) {
      f.channel().close();
      return;
    }
    inflight.clear();
    inflightBytes = 0;
    logs.forEach(l -> l.resetCursor(peerNode));
    channel = f.channel();
    backoff.reset();
    if (failing) {
      failing = false;
      LOG.info("replication to {} at {} connected again", peerNode, target);
    }
    dirty.addAll(logs);
    round();
  }

  private void retryLater() {
    long delay = backoff.next().toNanos();
    reconnectAtNanos = System.nanoTime() + delay;
    loop.schedule(this::round, delay, TimeUnit.NANOSECONDS);
  }

  private void sendWhatIsDue(Channel c, long heartbeatNanos) {
    long now = System.nanoTime();
    boolean fullPass = now - lastFullPassNanos >= heartbeatNanos / 2;
    if (fullPass) {
      lastFullPassNanos = now;
    }
    List<ReplicaLog> candidates = new ArrayList<>(fullPass ? logs : dirty);
    dirty.removeAll(candidates);
    int next = 0;
    boolean wrote = false;
    while (next < candidates.size() && !closed) {
      if (inflightBytes >= settings.maxInflightBytes()) {
        // The rest waits for answers, which start another round.
        dirty.addAll(candidates.subList(next, candidates.size()));
        break;
      }
      List<AppendBlock> blocks = new ArrayList<>();
      List<ReplicaLog> owners = new ArrayList<>();
      long bytes = 0;
      while (next < candidates.size() && bytes < settings.maxFrameBytes()) {
        ReplicaLog log = candidates.get(next++);
        if (!logs.contains(log)) {
          continue;
        }
        AppendBlock b = log.nextBlock(peerNode, settings.maxFrameBytes(), heartbeatNanos);
        if (b == null) {
          continue;
        }
        blocks.add(b);
        owners.add(log);
        bytes += 64 + b.entries().size() * 48L;
        for (var e : b.entries()) {
          bytes += e.key().length + (e.row() == null ? 0 : e.row().length);
        }
        if (log.hasMoreFor(peerNode)) {
          dirty.add(log); // more than one frame's worth: the next round continues it
        }
      }
      if (blocks.isEmpty()) {
        continue;
      }
      int id = ++nextRequestId;
      ByteBuf frame = Frames.start(c.alloc(), Opcode.APPEND.code(), id, (int) bytes);
      RequestCodec.encode(new Append(localNode, blocks), frame);
      Frames.finish(frame);
      long size = frame.readableBytes();
      inflight.add(new Sent(id, owners, size, System.nanoTime()));
      inflightBytes += size;
      c.write(frame, c.voidPromise());
      wrote = true;
    }
    if (wrote) {
      c.flush();
    }
    if (!dirty.isEmpty() && inflightBytes < settings.maxInflightBytes()) {
      wake(); // more than a frame's worth: go round again after what the loop has waiting
    }
  }

  /** Answers of the peer, in order, on the loop. */
  private final class AnswerHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Frame frame = (Frame) msg;
      try {
        Sent sent = inflight.peek();
        if (sent == null || sent.id != frame.requestId()) {
          throw new IllegalStateException(
              "answer " + frame.requestId() + " out of order (expected " + sent + ")");
        }
        inflight.poll();
        inflightBytes -= sent.bytes;
        Response response = ResponseCodec.decode(Opcode.APPEND, frame.opcode(), frame.body());
        if (response instanceof Response.AppendResults results) {
          List<AppendResult> list = results.results();
          for (int i = 0; i < list.size() && i < sent.owners.size(); i++) {
            ReplicaLog log = sent.owners.get(i);
            long newer = log.answered(peerNode, list.get(i));
            if (newer > 0) {
              owner.deposed(log, newer);
            } else if (log.hasMoreFor(peerNode)) {
              dirty.add(log);
            }
          }
        } else if (response instanceof Response.Error error) {
          LOG.warn("{} refused an APPEND: {} {}", peerNode, error.code(), error.message());
          sent.owners.forEach(
              l -> {
                l.resetCursor(peerNode);
                dirty.add(l);
              });
        }
      } catch (RuntimeException e) {
        LOG.warn("bad APPEND answer from {}: {}", peerNode, e.toString());
        ctx.close();
      } finally {
        frame.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (!dirty.isEmpty()) {
        wake();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (channel == ctx.channel()) {
        channel = null;
        inflight.clear();
        inflightBytes = 0;
        if (!closed) {
          LOG.info("replication connection to {} closed", peerNode);
          retryLater();
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("replication connection to {}: {}", peerNode, cause.toString());
      ctx.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    heartbeats.cancel(false);
    try {
      loop.execute(
          () -> {
            if (channel != null) {
              channel.close();
            }
          });
    } catch (RejectedExecutionException e) {
      // The node's I/O threads are already down, and every connection with them.
    }
  }

  private record Sent(int id, List<ReplicaLog> owners, long bytes, long sentNanos) {}
}
