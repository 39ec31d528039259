package io.floe.cli;

import io.floe.client.FloeConnectionException;
import io.floe.client.FloeTimeoutException;
import io.floe.client.control.ControlUnreachableException;
import io.floe.client.control.OperationWaitTimeoutException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes scripts can rely on, and which failure gives which. Listed in {@code floe --help}.
 */
public final class ExitCodes {
  public static final int OK = 0;

  /** The control plane (or a data node) refused the call; its problem is printed. */
  public static final int REFUSED = 1;

  /** The command line is wrong: unknown command or option, a bad value, a missing argument. */
  public static final int USAGE = 2;

  /** The control plane (or the data nodes) cannot be reached. */
  public static final int UNREACHABLE = 3;

  /** An awaited operation failed, was canceled or did not end within the wait. */
  public static final int OPERATION_FAILED = 4;

  /** For the usage text: code → what it means, in code order. */
  static final Map<String, String> DESCRIPTIONS = descriptions();

  private static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(Integer.toString(OK), "ok");
    codes.put(Integer.toString(REFUSED), "the control plane or a data node refused the call");
    codes.put(Integer.toString(USAGE), "bad command line");
    codes.put(Integer.toString(UNREACHABLE), "cannot reach the control plane (or the data nodes)");
    codes.put(
        Integer.toString(OPERATION_FAILED),
        "an awaited operation (--wait) failed, was canceled or timed out");
    return Collections.unmodifiableMap(codes);
  }

  private ExitCodes() {}

  /** The exit code of a command that failed with {@code error}. */
  public static int of(Throwable error) {
    if (error instanceof CliFailure failure) {
      return failure.exitCode();
    }
    if (error instanceof OperationWaitTimeoutException) {
      return OPERATION_FAILED;
    }
    if (error instanceof ControlUnreachableException
        || error instanceof FloeConnectionException
        || error instanceof FloeTimeoutException) {
      return UNREACHABLE;
    }
    // ControlApiException, FloeRequestException (a refusal), ControlResponseException (an answer
    // not of the contract's shape) and anything unforeseen.
    return REFUSED;
  }
}
