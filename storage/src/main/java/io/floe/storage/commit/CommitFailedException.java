package io.floe.storage.commit;

/**
 * Another writer committed this version first. Nothing of ours was written: re-read the newest
 * version, re-apply the change and commit the next version. Safe to retry.
 */
public class CommitFailedException extends RuntimeException {
  private final String key;
  private final long version;

  public CommitFailedException(String key, long version, Throwable cause) {
    super(
        "version "
            + version
            + " already exists at "
            + key
            + ": another writer committed first; re-read the latest version and retry",
        cause);
    this.key = key;
    this.version = version;
  }

  public String key() {
    return key;
  }

  public long version() {
    return version;
  }
}
