package io.floe.client.impl;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One plain socket to a node shared by blocking callers: each caller writes its request frame on
 * its own thread and parks; the connection's reader thread reads the answers, in whatever order
 * they come, and hands each to its caller, who decodes it. No event loop and no future lies between
 * a caller and the socket. Callers that arrive while another writes leave their frames to it: the
 * writer sends everything queued in one gathering write, so the node still reads several callers'
 * requests at once and answers them in one flush. Frames are those of {@code data-protocol.md} §2,
 * encoded by the same codecs as the pipelined connection.
 *
 * <p>A call ends by its deadline (the caller stops waiting; a write's outcome is then unknown). A
 * connection that breaks, or is {@link #abandon abandoned}, fails every call waiting on it: those
 * whose frame may have gone out as sent, the rest as unsent; {@link #isOpen()} then says to replace
 * it. An error frame is an answer like any other.
 */
final class BlockingConnection implements AutoCloseable {
  /** Frames gathered into one write at most; more wait for the next. */
  static final int MAX_GATHER = 64;

  private static final int READ_BUFFER_BYTES = 64 << 10;

  private final String endpoint;
  private final SocketChannel channel;
  private final Map<Integer, Call> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicInteger nextId = new AtomicInteger();
  private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER]; // under writeLock
  private final Call[] gathered = new Call[MAX_GATHER]; // under writeLock
  private volatile boolean open = true;
  private volatile String abandonedBecause;
  private volatile long framesHeard; // written by the reader thread only

  /** Deadline of the write under way ({@link System#nanoTime()}), or 0 when none is. */
  private volatile long writeDeadlineNanos;

  private BlockingConnection(String endpoint, SocketChannel channel) {
    this.endpoint = endpoint;
    this.channel = channel;
  }

  /**
   * Connects within {@code connectTimeoutMillis} and starts the reader thread; nothing is sent, so
   * failure is never ambiguous.
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
    } catch (IOException e) {
      closeQuietly(channel);
      throw new FloeConnectionException("cannot connect to " + endpoint + ": " + e, false, e);
    }
    BlockingConnection connection = new BlockingConnection(endpoint, channel);
    Thread reader = new Thread(connection::readAnswers, "floe-client-reader-" + endpoint);
    reader.setDaemon(true);
    reader.start();
    return connection;
  }

  String endpoint() {
    return endpoint;
  }

  /** Not broken, closed or abandoned: fit for the next call. */
  boolean isOpen() {
    return open;
  }

  /** Calls written or queued and not yet answered. */
  int waiting() {
    return inFlight.size();
  }

  /** Answer frames read so far (any call's): a node that answers anything is not silent. */
  long framesHeard() {
    return framesHeard;
  }

  /**
   * Sends {@code request} and waits for its answer until {@code deadlineNanos}; an error frame
   * throws its {@link FloeRequestException}.
   */
  Response call(Request request, long deadlineNanos) {
    if (!open) {
      throw new FloeConnectionException(closedMessage(), false, null);
    }
    if (deadlineNanos - System.nanoTime() <= 0) {
      throw new FloeTimeoutException(request.opcode() + " to " + endpoint + " timed out unsent");
    }
    int id = nextId.incrementAndGet();
    Call call = new Call(Thread.currentThread(), id, encode(request, id), deadlineNanos);
    inFlight.put(id, call);
    if (!open && inFlight.remove(id) != null) {
      throw new FloeConnectionException(closedMessage(), false, null); // closed meanwhile: unsent
    }
    queue.add(call);
    writeQueued();
    return answer(call, request.opcode());
  }

  /** The whole frame in a buffer of its own; a frame over the limit is refused unsent. */
  private ByteBuffer encode(Request request, int id) {
    ByteBuf frame =
        Unpooled.buffer(
            NodeConnection.bodyHint(request) + Frames.LENGTH_BYTES + Frames.HEADER_BYTES);
    Frames.begin(frame, request.opcode().code(), id);
    RequestCodec.encode(request, frame);
    Frames.end(frame, 0);
    return frame.nioBuffer();
  }

  /**
   * Writes every queued frame, unless another caller is writing: it then writes this caller's frame
   * too, since it looks at the queue again after letting go of the lock.
   */
  private void writeQueued() {
    while (!queue.isEmpty() && writeLock.tryLock()) {
      try {
        Call next;
        while (open && (next = queue.peek()) != null) {
          int n = 0;
          long deadline = Long.MAX_VALUE;
          while (n < MAX_GATHER && (next = queue.poll()) != null) {
            next.written = true;
            gathered[n] = next;
            gather[n++] = next.frame;
            deadline = Math.min(deadline, next.deadlineNanos);
          }
          write(n, deadline);
        }
      } finally {
        writeLock.unlock();
      }
    }
  }

  private void write(int frames, long deadline) {
    writeDeadlineNanos = deadline;
    try {
      long left = 0;
      for (int i = 0; i < frames; i++) {
        left += gather[i].remaining();
      }
      while (left > 0) {
        left -= channel.write(gather, 0, frames);
      }
    } catch (IOException e) {
      broke(e);
    } finally {
      writeDeadlineNanos = 0;
      for (int i = 0; i < frames; i++) {
        gather[i] = null;
        gathered[i].frame = null; // the caller may keep its call a while; not its bytes
        gathered[i] = null;
      }
    }
  }

  /** Parks until the reader hands over the answer, the connection fails, or the deadline. */
  private Response answer(Call call, Opcode opcode) {
    boolean interrupted = false;
    try {
      Object result;
      while ((result = call.result) == null) {
        long left = call.deadlineNanos - System.nanoTime();
        if (left <= 0) {
          if (inFlight.remove(call.id, call)) {
            throw new FloeTimeoutException(opcode + " to " + endpoint + " timed out");
          }
          Thread.onSpinWait(); // answered or failed just now: the result is being set
        } else {
          LockSupport.parkNanos(this, left);
          interrupted |= Thread.interrupted();
        }
      }
      if (result instanceof RuntimeException failure) {
        throw failure;
      }
      Answer answer = (Answer) result;
      Response response =
          ResponseCodec.decode(opcode, answer.opcode, Unpooled.wrappedBuffer(answer.body));
      if (response instanceof Response.Error error) {
        throw error.toException();
      }
      return response;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The reader thread: answers to their callers until the connection ends. */
  private void readAnswers() {
    ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    try {
      while (true) {
        if (channel.read(in) < 0) {
          throw new EOFException("connection to " + endpoint + " closed by the node");
        }
        in.flip();
        while (in.remaining() >= Frames.LENGTH_BYTES) {
          int length = in.getInt(in.position());
          if (length < Frames.HEADER_BYTES || length > Frames.MAX_FRAME_BYTES) {
            throw new IOException("response frame of " + length + " bytes from " + endpoint);
          }
          if (in.remaining() < Frames.LENGTH_BYTES + length) {
            if (Frames.LENGTH_BYTES + length > in.capacity()) {
              in = ByteBuffer.allocateDirect(Frames.LENGTH_BYTES + length).put(in).flip();
            }
            break;
          }
          in.getInt();
          int version = in.get() & 0xff;
          int opcode = in.get() & 0xff;
          int id = in.getInt();
          byte[] body = new byte[length - Frames.HEADER_BYTES];
          in.get(body);
          if (version != Frames.VERSION) {
            throw new IOException("response from " + endpoint + " has protocol version " + version);
          }
          framesHeard++;
          Call call = inFlight.remove(id);
          if (call != null) {
            call.complete(new Answer(opcode, body));
          }
        }
        in.compact();
        if (in.capacity() > READ_BUFFER_BYTES && in.position() == 0) {
          in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES); // a large answer passed: shrink back
        }
      }
    } catch (IOException | RuntimeException e) {
      broke(e);
    }
  }

  /**
   * Ends the connection because {@code cause} broke it: calls never written fail as unsent, the
   * others as sent (the node may have applied them).
   */
  private void broke(Throwable cause) {
    open = false;
    closeQuietly(channel);
    String abandoned = abandonedBecause;
    String why =
        abandoned != null
            ? "gave up on " + endpoint + ": " + abandoned
            : "connection to " + endpoint + " broke: " + cause;
    for (Call call : inFlight.values()) {
      if (inFlight.remove(call.id, call)) {
        call.complete(new FloeConnectionException(why, call.written, cause));
      }
    }
  }

  /**
   * Gives up the connection with {@code why}: calls waiting on it fail now (a write's outcome is
   * unknown). Any thread.
   */
  void abandon(String why) {
    abandonedBecause = why;
    broke(new IOException(why));
  }

  /**
   * Closes the connection if a write has been blocked past its deadline (the node stopped reading):
   * the writer's calls then fail instead of holding every caller of the connection. Run by the
   * pool's sweep.
   */
  void expireStuckWrite(long nowNanos) {
    long deadline = writeDeadlineNanos;
    if (deadline != 0 && nowNanos - deadline >= 0) {
      abandon("a write to it was blocked past its deadline (the node reads nothing)");
    }
  }

  private String closedMessage() {
    String abandoned = abandonedBecause;
    return abandoned != null
        ? "gave up on " + endpoint + ": " + abandoned
        : "connection to " + endpoint + " is closed";
  }

  @Override
  public void close() {
    broke(new IOException("closed by the client"));
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

  /** An answer frame as read: decoded by its caller, on the caller's thread. */
  private record Answer(int opcode, byte[] body) {}

  /** One caller's request, from its write to its answer. */
  private static final class Call {
    final Thread caller;
    final int id;
    final long deadlineNanos;
    ByteBuffer frame; // until written
    volatile boolean written;
    volatile Object result; // an Answer or a RuntimeException

    Call(Thread caller, int id, ByteBuffer frame, long deadlineNanos) {
      this.caller = caller;
      this.id = id;
      this.frame = frame;
      this.deadlineNanos = deadlineNanos;
    }

    void complete(Object result) {
      this.result = result;
      LockSupport.unpark(caller);
    }
  }
}
