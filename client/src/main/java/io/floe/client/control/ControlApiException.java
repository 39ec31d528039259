package io.floe.client.control;

/**
 * The control plane refused a call with an RFC 9457 problem (control-api.md §1). Callers switch on
 * {@link #code()}, which is stable, never on the title or detail. {@link #code()} is null only when
 * the answer was an error status without a problem document (a proxy's error page, say).
 */
public class ControlApiException extends ControlException {
  public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
  public static final String INVALID_SCHEMA = "INVALID_SCHEMA";
  public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  public static final String FORBIDDEN = "FORBIDDEN";
  public static final String TABLE_NOT_FOUND = "TABLE_NOT_FOUND";
  public static final String NODE_NOT_FOUND = "NODE_NOT_FOUND";
  public static final String OPERATION_NOT_FOUND = "OPERATION_NOT_FOUND";
  public static final String TABLE_EXISTS = "TABLE_EXISTS";
  public static final String CONFLICT = "CONFLICT";
  public static final String NOT_LEADER = "NOT_LEADER";
  public static final String ERR_UNDER_RECOVERY = "ERR_UNDER_RECOVERY";
  public static final String UNAVAILABLE = "UNAVAILABLE";
  public static final String INTERNAL = "INTERNAL";

  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private final String leader;
  private final String call;

  /**
   * @param call the request and the URL that answered ({@code POST http://cp-2:7080/v1/tables})
   * @param leader the leader's base URL for {@code NOT_LEADER}, else null
   */
  public ControlApiException(
      String call, int status, String code, String title, String detail, String leader) {
    super(message(call, status, code, title, detail, leader), null);
    this.call = call;
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.leader = leader;
  }

  private static String message(
      String call, int status, String code, String title, String detail, String leader) {
    String what = detail != null && !detail.isBlank() ? detail : title;
    String text = (code == null ? "HTTP " + status : code) + ": " + (what == null ? "" : what);
    if (leader != null) {
      text += " (leader: " + leader + ")";
    }
    return text + " [" + call + " answered " + status + "]";
  }

  public int status() {
    return status;
  }

  /** The problem's stable code ({@code TABLE_NOT_FOUND}, …), or null for a non-problem error. */
  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** The leader's base URL on a {@code NOT_LEADER} problem while one is elected, else null. */
  public String leader() {
    return leader;
  }

  /** The request and the URL that answered, for messages. */
  public String call() {
    return call;
  }
}
