package io.floe.core.protocol;

/**
 * A conditional write found the row at another version than expected, or an update found no row
 * ({@code CONDITION_FAILED}). Nothing was applied; {@link #currentVersion()} is the row's version
 * when the condition was checked (0: absent), so the application can read it again and decide.
 */
public final class ConditionFailedException extends FloeRequestException {
  private final long currentVersion;

  public ConditionFailedException(String message, long currentVersion) {
    super(ErrorCode.CONDITION_FAILED, message, Long.toString(currentVersion));
    this.currentVersion = currentVersion;
  }

  public long currentVersion() {
    return currentVersion;
  }
}
