package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.storage.meta.MetaStoreException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception-to-problem mapping of the control API (RFC 9457, control-api.md §1): refusals
 * keep their code; a document of the wrong shape is {@code MALFORMED_REQUEST}; etcd out of reach is
 * {@code UNAVAILABLE}; anything else is a defect, logged with an id the answer names.
 */
@Produces
@Singleton
@Requires(classes = {Exception.class, ExceptionHandler.class})
public final class ProblemHandler implements ExceptionHandler<Exception, HttpResponse<byte[]>> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  @Override
  public HttpResponse<byte[]> handle(HttpRequest request, Exception exception) {
    return problem(map(request, exception));
  }

  static ControlException map(HttpRequest<?> request, Throwable e) {
    if (e instanceof ControlException c) {
      return c;
    }
    if (e instanceof FormatException f) {
      return new ControlException(Problem.MALFORMED_REQUEST, f.getMessage());
    }
    if (e instanceof MetaStoreException m) {
      return new ControlException(
          Problem.UNAVAILABLE, "etcd cannot be reached; nothing was changed: " + m.getMessage());
    }
    String id = UUID.randomUUID().toString();
    LOG.error("{} {} failed (problem id {})", request.getMethod(), request.getPath(), id, e);
    return new ControlException(Problem.INTERNAL, "internal error; logged as " + id);
  }

  static HttpResponse<byte[]> problem(ControlException c) {
    Problem p = c.problem();
    ObjectNode n = Json.object();
    n.put("type", "https://floe.dev/problems/" + p.name().toLowerCase(java.util.Locale.ROOT));
    n.put("title", p.title());
    n.put("status", p.status());
    n.put("detail", c.getMessage());
    n.put("code", p.name());
    c.leader().ifPresent(l -> n.put("leader", l));
    return HttpResponse.<byte[]>status(HttpStatus.valueOf(p.status()))
        .body(Json.write(n).getBytes(StandardCharsets.UTF_8))
        .contentType(MediaType.of("application/problem+json"));
  }
}
