package io.floe.dataplane.server;

import io.floe.core.format.FormatException;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.Response;
import io.floe.core.table.RowTooLargeException;
import io.floe.core.table.SchemaViolationException;
import java.util.concurrent.CompletionException;

/** The one mapping from what request handling throws to the protocol's error frames. */
final class ErrorMapping {
  private static final UnexpectedFailureLog UNEXPECTED = new UnexpectedFailureLog();

  private ErrorMapping() {}

  static Response.Error toError(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof FloeRequestException e) {
      return Response.Error.of(e);
    }
    if (cause instanceof RowTooLargeException e) {
      return new Response.Error(ErrorCode.ROW_TOO_LARGE, e.getMessage(), "");
    }
    if (cause instanceof SchemaViolationException e) {
      return new Response.Error(ErrorCode.SCHEMA_VIOLATION, e.getMessage(), "");
    }
    if (cause instanceof FormatException e) {
      return new Response.Error(ErrorCode.MALFORMED_REQUEST, e.getMessage(), "");
    }
    UNEXPECTED.log(cause);
    return new Response.Error(ErrorCode.INTERNAL, cause.toString(), "");
  }
}
