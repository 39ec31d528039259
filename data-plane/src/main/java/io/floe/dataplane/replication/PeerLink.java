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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection from this node to one peer (replication.md §3), carrying the appends of every
 * partition this node leads with a follower there. A sender thread gathers a block per partition
 * that has something to send (entries, a reload notice or a heartbeat) into one APPEND frame and
 * writes it without waiting for earlier answers, up to {@code replication.max-inflight-bytes}
 * unanswered; answers are applied on the connection's event loop, in order.
 *
 * <p>A connection that breaks is opened again with back-off; every cursor on it then starts over
 * from what the follower reports.
 */
final class PeerLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  private final String localNode;
  private final String peerNode;
  private final ReplicationSettings settings;
  private final EventLoopGroup group;
  private final Replicator owner;
  private final Set<ReplicaLog> logs = ConcurrentHashMap.newKeySet();

  /**
   * Logs with something new to send since the sender last looked: a write touches one partition, so
   * a round visits those, not every partition on the link; a full pass runs only for heartbeats.
   */
  private final Set<ReplicaLog> dirty = ConcurrentHashMap.newKeySet();

  private long lastFullPassNanos;
  private final Map<Integer, Sent> inflight = new ConcurrentHashMap<>();
  private final AtomicLong inflightBytes = new AtomicLong();
  private final Backoff backoff;
  private final Thread sender;

  private volatile String endpoint;
  private volatile Channel channel;
  private volatile boolean closed;
  private volatile boolean woken;
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
    this.group = group;
    this.owner = owner;
    this.backoff = new Backoff(settings.retry());
    this.sender = new Thread(this::run, "floe-repl-" + localNode + "-to-" + peerNode);
    sender.setDaemon(true);
    sender.start();
  }

  String peerNode() {
    return peerNode;
  }

  /** The peer registered another endpoint: the connection moves there. */
  void endpoint(String newEndpoint) {
    if (!newEndpoint.equals(endpoint)) {
      endpoint = newEndpoint;
      Channel c = channel;
      if (c != null) {
        c.close();
      }
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

  /** Something may be ready to send. */
  void wake() {
    if (!woken) {
      woken = true;
      LockSupport.unpark(sender);
    }
  }

  // ---- the sender thread -------------------------------------------------------------------

  private void run() {
    long heartbeatNanos = settings.heartbeat().toNanos();
    while (!closed) {
      woken = false;
      try {
        Channel c = channel;
        if (c == null || !c.isActive()) {
          if (!logs.isEmpty()) {
            connect();
          }
        } else {
          sendWhatIsDue(c, heartbeatNanos);
        }
      } catch (RuntimeException e) {
        LOG.warn("replication to {} ({}): {}", peerNode, endpoint, e.toString());
      }
      if (!woken) {
        LockSupport.parkNanos(this, heartbeatNanos / 2);
      }
    }
  }

  private void connect() {
    String target = endpoint;
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      // The peer is not registered (yet): its endpoint comes with the next assignment change.
      LockSupport.parkNanos(this, backoff.next().toNanos());
      return;
    }
    ChannelFuture connecting =
        new Bootstrap()
            .group(group)
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
            .awaitUninterruptibly();
    if (!connecting.isSuccess()) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "cannot connect to {} at {} for replication: {}",
            peerNode,
            target,
            String.valueOf(connecting.cause()));
      }
      LockSupport.parkNanos(this, backoff.next().toNanos());
      return;
    }
    inflight.clear();
    inflightBytes.set(0);
    logs.forEach(l -> l.resetCursor(peerNode));
    channel = connecting.channel();
    backoff.reset();
    if (failing) {
      failing = false;
      LOG.info("replication to {} at {} connected again", peerNode, target);
    }
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
    while (next < candidates.size() && !closed) {
      if (inflightBytes.get() >= settings.maxInflightBytes()) {
        // The rest waits for answers, which wake the sender again.
        dirty.addAll(candidates.subList(next, candidates.size()));
        return;
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
      inflight.put(id, new Sent(owners, size));
      inflightBytes.addAndGet(size);
      c.writeAndFlush(frame);
    }
    if (!dirty.isEmpty()) {
      woken = true; // go round again at once
    }
  }

  /** Answers of the peer, in order, on the connection's event loop. */
  private final class AnswerHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Frame frame = (Frame) msg;
      try {
        Sent sent = inflight.remove(frame.requestId());
        if (sent == null) {
          return;
        }
        inflightBytes.addAndGet(-sent.bytes);
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
      wake();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (channel == ctx.channel()) {
        channel = null;
      }
      inflight.clear();
      inflightBytes.set(0);
      if (!closed) {
        LOG.info("replication connection to {} closed", peerNode);
      }
      wake();
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
    LockSupport.unpark(sender);
    Channel c = channel;
    if (c != null) {
      c.close();
    }
    try {
      sender.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Sent(List<ReplicaLog> owners, long bytes) {}
}
