package io.floe.dataplane.server;

import io.floe.core.protocol.FrameDecoder;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.InflightFrameBudget;
import io.floe.core.protocol.Transport;
import io.floe.dataplane.metrics.RequestMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data protocol's TCP listener: epoll when available, else NIO. */
public final class DataServer implements AutoCloseable {
  public static final String MAX_PENDING = "server.max-pending-per-connection";
  public static final int MAX_PENDING_DEFAULT = 1024;
  public static final String IO_THREADS = "server.io-threads";
  public static final int IO_THREADS_DEFAULT = Runtime.getRuntime().availableProcessors();

  /**
   * Bytes of partly received frames the node holds across all connections (data-protocol.md §2.5);
   * a frame past it is refused and its connection closed.
   */
  public static final String MAX_INFLIGHT_FRAME_BYTES = "node.max-inflight-frame-bytes";

  /** 128 MiB: eight frames of the largest size arriving at once. */
  public static final long MAX_INFLIGHT_FRAME_BYTES_DEFAULT = 128L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(DataServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final InflightFrameBudget inflightFrames;

  private DataServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel listener,
      InflightFrameBudget inflightFrames) {
    this.boss = boss;
    this.workers = workers;
    this.listener = listener;
    this.inflightFrames = inflightFrames;
  }

  /** The node's I/O threads: its connections, served and opened (replication), share them. */
  public static EventLoopGroup ioLoops(int ioThreads) {
    return Transport.eventLoops("floe-io", ioThreads);
  }

  /**
   * Binds and starts serving, its requests not metered (a server outside a node); port 0 picks a
   * free port (see {@link #port()}).
   */
  public static DataServer start(
      InetSocketAddress address,
      RequestProcessor processor,
      int ioThreads,
      int maxPending,
      long maxInflightFrameBytes) {
    return start(
        address,
        processor,
        ioLoops(ioThreads),
        maxPending,
        maxInflightFrameBytes,
        RequestMetrics.unrecorded());
  }

  /**
   * Binds and starts serving on {@code workers} (from {@link #ioLoops}), which it shuts down when
   * closed; every answer is counted and timed in {@code metrics}.
   */
  public static DataServer start(
      InetSocketAddress address,
      RequestProcessor processor,
      EventLoopGroup workers,
      int maxPending,
      long maxInflightFrameBytes,
      RequestMetrics metrics) {
    InflightFrameBudget inflightFrames = new InflightFrameBudget(maxInflightFrameBytes);
    EventLoopGroup boss = Transport.eventLoops("floe-accept", 1);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("frames", new FrameDecoder(Frames.MAX_FRAME_BYTES, inflightFrames))
                        .addLast("requests", new ConnectionHandler(processor, maxPending, metrics));
                  }
                });
    try {
      Channel listener = bootstrap.bind(address).sync().channel();
      LOG.info(
          "serving the data protocol on {} ({})",
          listener.localAddress(),
          Transport.nativeEpoll() ? "epoll" : "nio");
      return new DataServer(boss, workers, listener, inflightFrames);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      boss.shutdownGracefully();
      workers.shutdownGracefully();
      throw new IllegalStateException("interrupted while binding " + address, e);
    } catch (RuntimeException e) {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Bytes of partly received frames held now, across every connection. */
  public long inflightFrameBytes() {
    return inflightFrames.used();
  }

  /** Stops accepting, lets in-flight responses go out, then closes every connection. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
