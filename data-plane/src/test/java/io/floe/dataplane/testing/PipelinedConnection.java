package io.floe.dataplane.testing;

import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A data-protocol connection with many requests in flight (the client module depends on the data
 * plane, so the data plane's tests speak the protocol with core's codecs): a reader thread
 * completes each request's future by request id.
 */
public final class PipelinedConnection implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Semaphore window;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Thread reader;

  private record Pending(Request request, CompletableFuture<Response> future) {}

  public PipelinedConnection(int port, int inFlight) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    window = new Semaphore(inFlight);
    reader = new Thread(this::readLoop, "test-pipelined-reader");
    reader.setDaemon(true);
    reader.start();
  }

  public CompletableFuture<Response> send(Request request) throws IOException {
    window.acquireUninterruptibly();
    int id = ids.incrementAndGet();
    CompletableFuture<Response> f = new CompletableFuture<>();
    pending.put(id, new Pending(request, f));
    ByteBuf body = Unpooled.buffer();
    RequestCodec.encode(request, body);
    byte[] bytes = ByteBufUtil.getBytes(body);
    ByteBuf frame = Unpooled.buffer(bytes.length + 16);
    frame.writeInt(Frames.HEADER_BYTES + bytes.length).writeByte(Frames.VERSION);
    frame.writeByte(request.opcode().code()).writeInt(id).writeBytes(bytes);
    synchronized (out) {
      out.write(ByteBufUtil.getBytes(frame));
      if (window.availablePermits() == 0 || pending.size() <= 1) {
        out.flush();
      }
    }
    return f;
  }

  public Response call(Request request) throws Exception {
    CompletableFuture<Response> f = send(request);
    flush();
    return f.get(60, java.util.concurrent.TimeUnit.SECONDS);
  }

  public void flush() throws IOException {
    synchronized (out) {
      out.flush();
    }
  }

  private void readLoop() {
    try {
      while (true) {
        int length = in.readInt();
        in.readUnsignedByte();
        int opcode = in.readUnsignedByte();
        int id = in.readInt();
        byte[] body = new byte[length - Frames.HEADER_BYTES];
        in.readFully(body);
        Pending p = pending.remove(id);
        window.release();
        p.future.complete(
            ResponseCodec.decode(p.request.opcode(), opcode, Unpooled.wrappedBuffer(body)));
      }
    } catch (IOException | RuntimeException e) {
      pending.values().forEach(p -> p.future.completeExceptionally(e));
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
