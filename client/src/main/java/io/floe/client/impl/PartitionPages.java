package io.floe.client.impl;

import io.floe.core.protocol.Response;
import java.util.concurrent.CompletableFuture;

/** One partition's side of a table-wide scan: its rows in key order, a page at a time. */
@FunctionalInterface
interface PartitionPages {
  /**
   * The page after {@code continuation} (null: the first page of the range) holding at most {@code
   * limit} rows; its continuation is null when the range is exhausted.
   */
  CompletableFuture<Response.Scanned> fetch(byte[] continuation, int limit);
}
