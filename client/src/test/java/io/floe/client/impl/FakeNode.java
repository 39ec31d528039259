package io.floe.client.impl;

import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A node speaking the frame protocol over plain sockets, answering each request as a test says:
 * with a response, with nothing ({@link #SILENCE}), or by closing the connection ({@link
 * #HANG_UP}). Public for the tests of the client's public face (e.g. {@code NodeAdminTest}).
 */
public final class FakeNode implements AutoCloseable {
  public static final Response SILENCE = new Response.Ack();
  public static final Response HANG_UP = new Response.Ack();

  public final List<Request> received = new CopyOnWriteArrayList<>();
  public final AtomicInteger connections = new AtomicInteger();
  private final ServerSocket server;
  private final Function<Request, Response> answer;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public FakeNode(Function<Request, Response> answer) throws IOException {
    this.answer = answer;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fake-node");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String endpoint() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        connections.incrementAndGet();
        Thread serve = new Thread(() -> serve(socket), "fake-node-connection");
        serve.setDaemon(true);
        serve.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBuf body = Unpooled.wrappedBuffer(frame);
        body.readUnsignedByte(); // version
        Opcode opcode = Opcode.of(body.readUnsignedByte());
        int id = body.readInt();
        Request request = RequestCodec.decode(opcode, body);
        received.add(request);
        Response response = answer.apply(request);
        if (response == HANG_UP) {
          return;
        }
        if (response == SILENCE) {
          continue;
        }
        ByteBuf reply = Unpooled.buffer();
        Frames.begin(reply, ResponseCodec.frameOpcode(opcode, response), id);
        ResponseCodec.encode(response, reply);
        Frames.end(reply, 0);
        out.write(reply.array(), reply.arrayOffset(), reply.readableBytes());
      }
    } catch (IOException | RuntimeException gone) {
      // the client closed the connection, or the test ended
    }
  }

  /** Closes every accepted connection, as a restarting node would, and goes on accepting. */
  public void hangUpAll() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
