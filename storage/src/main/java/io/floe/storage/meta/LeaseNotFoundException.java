package io.floe.storage.meta;

/** The lease named in a call no longer exists on the server: it expired or was revoked. */
public class LeaseNotFoundException extends MetaStoreException {
  private final long leaseId;

  public LeaseNotFoundException(long leaseId, Throwable cause) {
    super(
        "lease " + Long.toHexString(leaseId) + " does not exist (expired or revoked)",
        false,
        cause);
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }
}
