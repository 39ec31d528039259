package io.floe.client.control;

/**
 * Which control-plane failures may pass by themselves, for callers that wait (polling an operation)
 * rather than act: no replica reachable, or a 503 ({@code UNAVAILABLE}: etcd or S3 out of reach;
 * {@code ERR_UNDER_RECOVERY}: metadata being rebuilt). A leader change shows as either.
 */
public final class ControlErrors {
  private static final int SERVICE_UNAVAILABLE = 503;

  private ControlErrors() {}

  public static boolean isTransient(Throwable error) {
    if (error instanceof ControlUnreachableException) {
      return true;
    }
    return error instanceof ControlApiException e && e.status() == SERVICE_UNAVAILABLE;
  }
}
