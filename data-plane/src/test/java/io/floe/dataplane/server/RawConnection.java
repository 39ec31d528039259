package io.floe.dataplane.server;

import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A plain blocking socket speaking the data protocol byte by byte, to send what no client would.
 */
final class RawConnection implements AutoCloseable {
  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = socket.getOutputStream();
  }

  static byte[] frame(int version, int opcode, int requestId, byte[] body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeInt(Frames.HEADER_BYTES + body.length).writeByte(version).writeByte(opcode);
    buf.writeInt(requestId).writeBytes(body);
    return ByteBufUtil.getBytes(buf);
  }

  static byte[] body(Request request) {
    ByteBuf buf = Unpooled.buffer();
    RequestCodec.encode(request, buf);
    return ByteBufUtil.getBytes(buf);
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void send(int requestId, Request request) throws IOException {
    sendRaw(frame(Frames.VERSION, request.opcode().code(), requestId, body(request)));
  }

  /** Reads one response frame: [request id, response]. */
  Object[] read(Opcode requestOpcode) throws IOException {
    int length = in.readInt();
    in.readUnsignedByte();
    int opcode = in.readUnsignedByte();
    int requestId = in.readInt();
    byte[] body = new byte[length - Frames.HEADER_BYTES];
    in.readFully(body);
    Response response = ResponseCodec.decode(requestOpcode, opcode, Unpooled.wrappedBuffer(body));
    return new Object[] {requestId, response};
  }

  Response call(int requestId, Request request) throws IOException {
    send(requestId, request);
    Object[] answer = read(request.opcode());
    if ((int) answer[0] != requestId) {
      throw new AssertionError("answer to " + answer[0] + ", expected " + requestId);
    }
    return (Response) answer[1];
  }

  /** True once the node closed the connection (end of stream). */
  boolean closedByPeer() throws IOException {
    return in.read() == -1;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
