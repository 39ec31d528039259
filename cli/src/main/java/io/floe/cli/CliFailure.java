package io.floe.cli;

/**
 * A command that ran but did not get what was asked, with the exit code that says why (an awaited
 * operation that failed: {@link ExitCodes#OPERATION_FAILED}). Its message is printed as is.
 */
public class CliFailure extends RuntimeException {
  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
