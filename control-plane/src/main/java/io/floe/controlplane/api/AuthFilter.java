package io.floe.controlplane.api;

import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.auth.Role;
import io.floe.controlplane.auth.Tokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.Optional;

/**
 * Every {@code /v1} call carries a bearer token whose role covers the call ({@link Role#needed}); a
 * missing or unknown token is {@code 401 UNAUTHENTICATED}, a weaker role {@code 403 FORBIDDEN}.
 * With no token configured the API is open (a local cluster); the control plane says so at start.
 */
@ServerFilter("/v1/**")
public final class AuthFilter {
  private final Tokens tokens;

  public AuthFilter(Tokens tokens) {
    this.tokens = tokens;
  }

  @RequestFilter
  @Nullable
  public HttpResponse<?> authenticate(HttpRequest<?> request) {
    if (!tokens.enabled()) {
      return null;
    }
    Optional<String> header = request.getHeaders().getAuthorization();
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return challenge("this call needs an 'Authorization: Bearer <token>' header");
    }
    Optional<Role> role = tokens.roleOf(header.get().substring(7).trim());
    if (role.isEmpty()) {
      return challenge("the token is not known");
    }
    Role needed = Role.needed(request.getMethodName(), request.getPath());
    if (!role.get().covers(needed)) {
      return ProblemHandler.problem(
          new ControlException(
              Problem.FORBIDDEN,
              request.getMethodName()
                  + " "
                  + request.getPath()
                  + " needs role "
                  + needed.name().toLowerCase(java.util.Locale.ROOT)
                  + "; the token has "
                  + role.get().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return null;
  }

  private static HttpResponse<?> challenge(String detail) {
    MutableHttpResponse<byte[]> r =
        (MutableHttpResponse<byte[]>)
            ProblemHandler.problem(new ControlException(Problem.UNAUTHENTICATED, detail));
    return r.header("WWW-Authenticate", "Bearer realm=\"floe\"");
  }
}
