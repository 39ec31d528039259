package io.floe.dataplane.server;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Frame;
import io.floe.core.protocol.FrameRefusedException;
import io.floe.core.protocol.Frames;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.RequestCodec;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.ResponseCodec;
import io.floe.dataplane.metrics.RequestMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each frame, runs it, and writes its response — immediately when
 * the result is ready, else when its durability future completes (responses may leave out of order;
 * the request id pairs them). Responses written while reading a burst are flushed once at the end
 * of the burst.
 *
 * <p>Back-pressure: when more than {@code maxPending} requests await their response, or the
 * socket's outbound buffer is over its high-water mark (the client does not read), the handler
 * stops reading from the socket; it resumes when both drain.
 *
 * <p>Every answer is counted, and one in {@link RequestMetrics#TIMED_EVERY} timed from its frame's
 * arrival ({@link RequestMetrics}).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  private final RequestProcessor processor;
  private final int maxPending;
  private final RequestMetrics metrics;
  private int pending;
  private int arrivals;

  ConnectionHandler(RequestProcessor processor, int maxPending, RequestMetrics metrics) {
    this.processor = processor;
    this.maxPending = maxPending;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Frame frame = (Frame) msg;
    pending++;
    try {
      handle(ctx, frame, RequestMetrics.arrival(arrivals++));
    } finally {
      frame.release();
    }
    updateAutoRead(ctx);
  }

  private void handle(ChannelHandlerContext ctx, Frame frame, long arrivalNanos) {
    Opcode opcode = Opcode.of(frame.opcode());
    if (frame.version() != Frames.VERSION) {
      fail(
          ctx,
          opcode,
          frame.requestId(),
          new FloeRequestException(
              ErrorCode.UNSUPPORTED_VERSION,
              "protocol version " + frame.version() + " (supported: " + Frames.VERSION + ")"),
          arrivalNanos);
      return;
    }
    if (opcode == null) {
      fail(
          ctx,
          null,
          frame.requestId(),
          new FloeRequestException(
              ErrorCode.MALFORMED_REQUEST,
              "unknown opcode 0x" + Integer.toHexString(frame.opcode())),
          arrivalNanos);
      return;
    }
    CompletableFuture<Response> result;
    try {
      Request request = RequestCodec.decode(opcode, frame.body());
      result = processor.process(request);
    } catch (RuntimeException e) {
      respond(ctx, opcode, frame.requestId(), ErrorMapping.toError(e), false, arrivalNanos);
      return;
    }
    if (result.isDone()) {
      respond(ctx, opcode, frame.requestId(), outcome(result), false, arrivalNanos);
    } else {
      int requestId = frame.requestId();
      result.whenComplete(
          (response, error) ->
              ctx.executor()
                  .execute(
                      () ->
                          respond(
                              ctx,
                              opcode,
                              requestId,
                              error == null ? response : ErrorMapping.toError(error),
                              true,
                              arrivalNanos)));
    }
  }

  private static Response outcome(CompletableFuture<Response> done) {
    try {
      return done.join();
    } catch (RuntimeException e) {
      return ErrorMapping.toError(e);
    }
  }

  /**
   * A frame refused before decoding. {@code opcode} is null when unknown: it is counted as such,
   * and an error frame does not need it (it carries {@link Opcode#ERROR}).
   */
  private void fail(
      ChannelHandlerContext ctx,
      Opcode opcode,
      int requestId,
      FloeRequestException e,
      long arrivalNanos) {
    respond(ctx, opcode, requestId, Response.Error.of(e), false, arrivalNanos);
  }

  private void respond(
      ChannelHandlerContext ctx,
      Opcode opcode,
      int requestId,
      Response response,
      boolean flush,
      long arrivalNanos) {
    metrics.answered(opcode, response, arrivalNanos);
    pending--;
    if (!ctx.channel().isActive()) {
      return;
    }
    ByteBuf out = encode(ctx, opcode, requestId, response);
    if (flush) {
      ctx.writeAndFlush(out, ctx.voidPromise());
      updateAutoRead(ctx);
    } else {
      ctx.write(out, ctx.voidPromise());
    }
  }

  /**
   * The response's frame; an answer too large for one frame (many large rows asked for at once)
   * becomes an error the client can act on instead of a dropped connection.
   */
  private static ByteBuf encode(
      ChannelHandlerContext ctx, Opcode opcode, int requestId, Response response) {
    ByteBuf out =
        Frames.start(
            ctx.alloc(),
            ResponseCodec.frameOpcode(opcode, response),
            requestId,
            bodyHint(response));
    try {
      ResponseCodec.encode(response, out);
      return Frames.finish(out);
    } catch (RuntimeException e) {
      if (out.refCnt() > 0) {
        out.release();
      }
      Response.Error error =
          e instanceof FloeRequestException f && f.code() == ErrorCode.FRAME_TOO_LARGE
              ? new Response.Error(
                  ErrorCode.FRAME_TOO_LARGE,
                  "the answer would be over the frame limit of "
                      + Frames.MAX_FRAME_BYTES
                      + " bytes: ask for fewer or smaller rows",
                  "")
              : ErrorMapping.toError(e);
      ByteBuf frame = Frames.start(ctx.alloc(), Opcode.ERROR, requestId, 64);
      ResponseCodec.encode(error, frame);
      return Frames.finish(frame);
    }
  }

  /** Room for the body up front: a row outgrowing the buffer would cost a copy per response. */
  private static int bodyHint(Response response) {
    return response instanceof Response.Got got && got.row() != null ? got.row().length + 8 : 32;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateAutoRead(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  private void updateAutoRead(ChannelHandlerContext ctx) {
    boolean shouldRead = pending < maxPending && ctx.channel().isWritable();
    if (ctx.channel().config().isAutoRead() != shouldRead) {
      ctx.channel().config().setAutoRead(shouldRead);
      if (!shouldRead) {
        ctx.flush(); // let the client see responses so it can drain
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof FrameRefusedException e) {
      // The stream cannot be resynchronised past a refused frame: answer, then hang up.
      Response.Error error = Response.Error.of(e);
      metrics.answered(null, error, RequestMetrics.UNTIMED);
      ByteBuf out = Frames.start(ctx.alloc(), Opcode.ERROR, e.requestId(), 64);
      ResponseCodec.encode(error, out);
      ctx.writeAndFlush(Frames.finish(out)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    LOG.debug("closing connection {} after {}", ctx.channel().remoteAddress(), root.toString());
    ctx.close();
  }
}
