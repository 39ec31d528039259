package io.floe.client.impl;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One plain blocking socket to a node, used by one caller at a time: the caller's own thread writes
 * a request frame and reads its response, with no event loop and no future in between. Frames are
 * those of {@code data-protocol.md} §2, encoded by the same codecs as the pipelined connection,
 * into a buffer reused from call to call (as is the buffer responses are read into).
 *
 * <p>A call that fails in a way leaving the stream position unknown (a timeout, a broken socket, a
 * frame it cannot read) closes the connection: {@link #isOpen()} then says to discard it. An error
 * frame is an answer like any other and leaves the connection usable.
 */
final class BlockingConnection implements AutoCloseable {
  /** Buffers grown past this by one large row are dropped after the call, not kept for good. */
  static final int KEPT_BUFFER_BYTES = 1 << 20;

  /**
   * A connection idle this long is checked for a close by the node (a restart) before it is used: a
   * request written into a connection the node already closed would otherwise fail as a write of
   * unknown outcome, never retried. Connections in steady use skip the check (three system calls).
   */
  static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final int INITIAL_BUFFER_BYTES = 4096;

  private final String endpoint;
  private static final long IDLE = Long.MIN_VALUE;
  private static final long EXPIRED = Long.MIN_VALUE + 1;
  private static final long ABANDONED = Long.MIN_VALUE + 2;

  private final SocketChannel channel;
  private ByteBuf request = Unpooled.buffer(INITIAL_BUFFER_BYTES);
  private ByteBuffer responseBuffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
  private ByteBuf responseView = Unpooled.wrappedBuffer(responseBuffer.array());
  private final ByteBuffer peek = ByteBuffer.allocate(1);

  /** The deadline of the call under way, {@link #IDLE} between calls, or {@link #EXPIRED}. */
  private final AtomicLong busyUntil = new AtomicLong(IDLE);

  /** When the call under way was written ({@link System#nanoTime}). */
  private volatile long busySinceNanos;

  private volatile String abandonedBecause;

  private int nextId;
  private boolean open = true;
  private long lastUsedNanos = System.nanoTime();

  private BlockingConnection(String endpoint, SocketChannel channel) {
    this.endpoint = endpoint;
    this.channel = channel;
  }

  /**
   * Connects within {@code connectTimeoutMillis}; nothing is sent, so failure is never ambiguous.
   */
  static BlockingConnection open(String endpoint, long connectTimeoutMillis) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("endpoint '" + endpoint + "' is not host:port");
    }
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open();
      Socket socket = channel.socket();
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(
              endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1))),
          (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutMillis)));
      return new BlockingConnection(endpoint, channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new FloeConnectionException("cannot connect to " + endpoint + ": " + e, false, e);
    }
  }

  String endpoint() {
    return endpoint;
  }

  /** Open and in a known stream position: fit for the next call. */
  boolean isOpen() {
    return open;
  }

  /**
   * Open, and if idle for a while, not closed by the node meanwhile: a stale connection is closed
   * here, before any request is written into it.
   */
  boolean isUsable() {
    return isUsable(IDLE_CHECK_NANOS);
  }

  /** {@link #isUsable()}, checking if idle at least {@code idleCheckNanos} (tests: 0). */
  boolean isUsable(long idleCheckNanos) {
    if (open && System.nanoTime() - lastUsedNanos >= idleCheckNanos && closedByNode()) {
      close();
    }
    return open;
  }

  /** Reads without waiting: the end of the stream, or bytes nobody asked for, make it unusable. */
  private boolean closedByNode() {
    try {
      channel.configureBlocking(false);
      peek.clear();
      int read = channel.read(peek);
      channel.configureBlocking(true);
      return read != 0;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Sends {@code request} and waits for its answer until {@code deadlineNanos}; an error frame
   * throws its {@link FloeRequestException}.
   */
  Response call(Request request, long deadlineNanos) {
    if (!open) {
      throw new FloeConnectionException("connection to " + endpoint + " is closed", false, null);
    }
    if (deadlineNanos - System.nanoTime() <= 0) {
      throw new FloeTimeoutException(request.opcode() + " to " + endpoint + " timed out unsent");
    }
    int id = ++nextId;
    encode(request, id);
    Response response = exchange(request, id, deadlineNanos);
    lastUsedNanos = System.nanoTime();
    if (response instanceof Response.Error error) {
      throw error.toException();
    }
    return response;
  }

  /** Encodes the whole frame into the reused buffer; a frame over the limit is refused unsent. */
  private void encode(Request request, int id) {
    ByteBuf frame = this.request;
    frame.clear();
    frame.writeInt(0);
    frame.writeByte(Frames.VERSION);
    frame.writeByte(request.opcode().code());
    frame.writeInt(id);
    RequestCodec.encode(request, frame);
    int length = frame.readableBytes() - Frames.LENGTH_BYTES;
    if (length > Frames.MAX_FRAME_BYTES) {
      shrinkRequestBuffer();
      throw new FloeRequestException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame of " + length + " bytes is over the limit of " + Frames.MAX_FRAME_BYTES);
    }
    frame.setInt(0, length);
  }

  private Response exchange(Request request, int id, long deadlineNanos) {
    busySinceNanos = System.nanoTime();
    busyUntil.set(deadlineNanos);
    try {
      ByteBuffer frame = this.request.nioBuffer();
      while (frame.hasRemaining()) {
        channel.write(frame);
      }
      shrinkRequestBuffer();
      Response response = read(request, id);
      if (!busyUntil.compareAndSet(deadlineNanos, IDLE)) {
        close(); // answered just as the sweep found it late: the sweep closes it anyway
      }
      return response;
    } catch (IOException e) {
      close();
      if (busyUntil.get() == EXPIRED) {
        throw new FloeTimeoutException(request.opcode() + " to " + endpoint + " timed out");
      }
      if (busyUntil.get() == ABANDONED) {
        throw new FloeConnectionException(
            "gave up on " + endpoint + ": " + abandonedBecause, true, e);
      }
      // even a failed write may have delivered the frame: the outcome is unknown
      throw new FloeConnectionException("connection to " + endpoint + " broke: " + e, true, e);
    } catch (RuntimeException e) {
      close(); // a frame we cannot read: the next one would start at an unknown position
      throw e;
    }
  }

  /**
   * Closes the connection if a call on it is past its deadline: its blocked read then fails, and
   * the call with a timeout. Run by a sweep every few milliseconds (a read with a socket timeout
   * would cost two more system calls per call, a non-blocking read and a poll).
   */
  void expireIfPast(long nowNanos) {
    long deadline = busyUntil.get();
    if (deadline != IDLE
        && deadline != EXPIRED
        && nowNanos - deadline >= 0
        && busyUntil.compareAndSet(deadline, EXPIRED)) {
      close();
    }
  }

  /** How long the call under way has waited for its answer (0 when idle). */
  long busyForNanos(long nowNanos) {
    long deadline = busyUntil.get();
    return deadline == IDLE || deadline == EXPIRED || deadline == ABANDONED
        ? 0
        : Math.max(0, nowNanos - busySinceNanos);
  }

  /**
   * Gives up the call under way, if any, with {@code why} (it fails as sent: a write's outcome is
   * unknown), and closes the connection. Any thread.
   */
  void abandon(String why) {
    abandonedBecause = why;
    long deadline = busyUntil.get();
    if (deadline != IDLE && deadline != EXPIRED) {
      busyUntil.compareAndSet(deadline, ABANDONED);
    }
    close();
  }

  /** Reads one response frame: its length, then the rest, into the reused buffer. */
  private Response read(Request request, int id) throws IOException {
    ByteBuffer into = responseBuffer;
    into.clear();
    fill(into, Frames.LENGTH_BYTES);
    int length = into.getInt(0);
    if (length < Frames.HEADER_BYTES || length > Frames.MAX_FRAME_BYTES) {
      throw new FloeConnectionException(
          "response frame of " + length + " bytes from " + endpoint, true, null);
    }
    int total = Frames.LENGTH_BYTES + length;
    if (total > into.capacity()) {
      ByteBuffer larger = ByteBuffer.allocate(Math.max(total, into.capacity() * 2));
      into.flip();
      larger.put(into);
      responseBuffer = larger;
      responseView = Unpooled.wrappedBuffer(larger.array());
      into = larger;
    }
    fill(into, total);
    if (into.position() > total) {
      throw new FloeConnectionException(
          "bytes past the response to request " + id + " from " + endpoint, true, null);
    }
    ByteBuf frame = responseView.setIndex(Frames.LENGTH_BYTES, total);
    int version = frame.readUnsignedByte();
    int opcode = frame.readUnsignedByte();
    int responseId = frame.readInt();
    if (version != Frames.VERSION || responseId != id) {
      throw new FloeConnectionException(
          "response from "
              + endpoint
              + " has version "
              + version
              + " and request id "
              + responseId
              + ", expected "
              + Frames.VERSION
              + " and "
              + id,
          true,
          null);
    }
    Response decoded = ResponseCodec.decode(request.opcode(), opcode, frame);
    if (responseBuffer.capacity() > KEPT_BUFFER_BYTES) {
      responseBuffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
      responseView = Unpooled.wrappedBuffer(responseBuffer.array());
    }
    return decoded;
  }

  /** Reads until {@code into} holds at least {@code bytes}; the node closing first is an error. */
  private void fill(ByteBuffer into, int bytes) throws IOException {
    while (into.position() < bytes) {
      if (channel.read(into) < 0) {
        throw new EOFException("connection to " + endpoint + " closed by the node");
      }
    }
  }

  private void shrinkRequestBuffer() {
    if (request.capacity() > KEPT_BUFFER_BYTES) {
      request = Unpooled.buffer(INITIAL_BUFFER_BYTES);
    }
  }

  /** Capacity of the reused request buffer, for tests. */
  int requestBufferCapacity() {
    return request.capacity();
  }

  @Override
  public void close() {
    open = false;
    closeQuietly(channel);
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing: nothing left to do with it
    }
  }
}
