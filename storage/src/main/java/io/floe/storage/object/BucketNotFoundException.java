package io.floe.storage.object;

/** The configured bucket does not exist: an operator must create it (or fix the name). */
public class BucketNotFoundException extends ObjectStoreException {
  private final String bucket;

  public BucketNotFoundException(String bucket, String message, Throwable cause) {
    super(message, false, cause);
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }
}
