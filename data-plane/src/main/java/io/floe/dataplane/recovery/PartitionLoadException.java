package io.floe.dataplane.recovery;

/**
 * A partition could not be loaded from S3 (a corrupt object, a gap in its log, S3 failing): it is
 * not served. The message names the partition and, for a corrupt object, the object's key.
 */
public final class PartitionLoadException extends RuntimeException {
  public PartitionLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
