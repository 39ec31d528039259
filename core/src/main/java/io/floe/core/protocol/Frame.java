package io.floe.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One received frame: header fields and the body (a retained slice the receiver must release).
 * {@code version} is kept as received so the handler can answer {@code UNSUPPORTED_VERSION}.
 */
public record Frame(int version, int opcode, int requestId, ByteBuf body) {
  public void release() {
    body.release();
  }
}
