package io.floe.storage.commit;

/**
 * The conditional create failed in a way that leaves its outcome unknown (a timeout or 5xx after
 * the request may have reached the store). Do not clean up and do not assume failure: re-read the
 * version to see whether it holds our bytes.
 */
public class CommitStateUnknownException extends RuntimeException {
  private final String key;
  private final long version;

  public CommitStateUnknownException(String key, long version, Throwable cause) {
    super(
        "commit of version "
            + version
            + " at "
            + key
            + " has an unknown outcome; re-read it before retrying",
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
