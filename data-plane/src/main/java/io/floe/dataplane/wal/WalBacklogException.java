package io.floe.dataplane.wal;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;

/**
 * Writes refused because too much is applied but not yet in S3 (S3 unreachable or slow): the
 * shipper's memory is bounded, so a long outage becomes back-pressure. Retryable.
 */
public final class WalBacklogException extends FloeRequestException {
  public WalBacklogException(long unshipped, long limit) {
    super(
        ErrorCode.MEMORY_LIMIT,
        "WAL backlog: "
            + unshipped
            + " bytes not yet in S3 (limit "
            + limit
            + "); S3 unreachable or slow, retry later");
  }
}
