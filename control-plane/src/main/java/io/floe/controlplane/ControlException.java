package io.floe.controlplane;

import java.util.Optional;

/**
 * A refusal the control API answers as a problem (control-api.md §1): a stable {@code code}, its
 * HTTP status, and a detail for people. Thrown anywhere in the control plane; one handler turns it
 * into the response.
 */
public class ControlException extends RuntimeException {
  private final Problem problem;
  private final String leader;

  public ControlException(Problem problem, String detail) {
    this(problem, detail, null);
  }

  public ControlException(Problem problem, String detail, String leader) {
    super(detail);
    this.problem = problem;
    this.leader = leader;
  }

  public Problem problem() {
    return problem;
  }

  /** The leader's base URL, for {@link Problem#NOT_LEADER}. */
  public Optional<String> leader() {
    return Optional.ofNullable(leader);
  }

  /** The codes of control-api.md §1 with their HTTP status. */
  public enum Problem {
    MALFORMED_REQUEST(400, "Malformed request"),
    INVALID_SCHEMA(400, "Invalid schema"),
    INVALID_ARGUMENT(400, "Invalid argument"),
    UNAUTHENTICATED(401, "Unauthenticated"),
    FORBIDDEN(403, "Forbidden"),
    TABLE_NOT_FOUND(404, "Table not found"),
    NODE_NOT_FOUND(404, "Node not found"),
    OPERATION_NOT_FOUND(404, "Operation not found"),
    NOT_FOUND(404, "Not found"),
    TABLE_EXISTS(409, "Table exists"),
    CONFLICT(409, "Conflict"),
    NOT_LEADER(421, "Not the leader"),
    ERR_UNDER_RECOVERY(503, "Metadata under recovery"),
    UNAVAILABLE(503, "Unavailable"),
    INTERNAL(500, "Internal error");

    private final int status;
    private final String title;

    Problem(int status, String title) {
      this.status = status;
      this.title = title;
    }

    public int status() {
      return status;
    }

    public String title() {
      return title;
    }
  }
}
