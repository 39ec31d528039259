package io.floe.core.protocol;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where the platform has it (fewer syscalls and copies), NIO everywhere else. */
public final class Transport {
  private Transport() {}

  public static boolean nativeEpoll() {
    return Epoll.isAvailable();
  }

  public static EventLoopGroup eventLoops(String name, int threads) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return new MultiThreadIoEventLoopGroup(
        threads, factory, nativeEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return nativeEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> socketChannel() {
    return nativeEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
